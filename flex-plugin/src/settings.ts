/** What the agent's screen shows for a task: the Flex Zendesk integration's NAVIGATE choice. */
export type Navigate = 'ticket' | 'user' | 'none';

/** The plugin's settings. Nothing secret: the app is reached with the agent's own Flex token. */
export interface PluginSettings {
  /** The FlexZendesk app, e.g. https://flexzendesk-contoso.azurewebsites.net (no trailing slash). */
  appUrl: string;
  /** The Zendesk account, e.g. https://acme.zendesk.com: the CRM panel's pages. */
  zendeskUrl: string;
  /** What the CRM panel shows when Flex runs on its own. */
  navigate: Navigate;
  /** The same choice when the caller's zd_ticket_id named the ticket; undefined: navigate. */
  navigateWithTicketNumber?: Navigate;
  /** Whether Flex runs inside Zendesk (the Twilio Flex Zendesk app): then the server pops and the CRM panel is left alone. */
  embedded: 'auto' | boolean;
}

/** Build-time defaults (esbuild defines FLEXZENDESK_DEFAULTS from the FLEXZENDESK_* environment); Flex's configuration wins. */
declare const FLEXZENDESK_DEFAULTS: Partial<Record<keyof PluginSettings, unknown>> | undefined;

const navigates: readonly Navigate[] = ['ticket', 'user', 'none'];

function asNavigate(value: unknown): Navigate | undefined {
  return typeof value === 'string' && (navigates as readonly string[]).includes(value) ? (value as Navigate) : undefined;
}

function asUrl(value: unknown): string {
  return typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
}

/**
 * The settings from Flex's own configuration (`ui_attributes.flexZendesk` of the Flex Configuration API: `appUrl`,
 * `zendeskUrl`, `navigate`, `navigateWithTicketNumber`, `embedded`), over the build's defaults.
 */
export function readSettings(uiAttributes: Record<string, unknown> | undefined): PluginSettings {
  const fromFlex = (uiAttributes?.flexZendesk ?? {}) as Record<string, unknown>;
  const defaults = (typeof FLEXZENDESK_DEFAULTS === 'undefined' ? {} : FLEXZENDESK_DEFAULTS) as Record<string, unknown>;
  const pick = (key: keyof PluginSettings): unknown => fromFlex[key] ?? defaults[key];
  const embedded = pick('embedded');
  return {
    appUrl: asUrl(pick('appUrl')),
    zendeskUrl: asUrl(pick('zendeskUrl')),
    navigate: asNavigate(pick('navigate')) ?? 'ticket',
    navigateWithTicketNumber: asNavigate(pick('navigateWithTicketNumber')),
    embedded: embedded === true || embedded === 'true' ? true : embedded === false || embedded === 'false' ? false : 'auto',
  };
}

/**
 * Whether Flex runs inside Zendesk: set explicitly, or (auto) Flex is framed by a page of the Zendesk account, as the
 * Twilio Flex Zendesk app frames it.
 */
export function runsInsideZendesk(settings: PluginSettings, win: { self: unknown; top: unknown }, referrer: string): boolean {
  if (settings.embedded !== 'auto') {
    return settings.embedded;
  }

  if (win.self === win.top) {
    return false;
  }

  try {
    const host = new URL(referrer).hostname;
    const zendesk = settings.zendeskUrl ? new URL(settings.zendeskUrl).hostname : '';
    return host === zendesk || host.endsWith('.zendesk.com');
  } catch {
    return false;
  }
}
