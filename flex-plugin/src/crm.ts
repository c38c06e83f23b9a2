import type { Navigate, PluginSettings } from './settings';

/** The task attributes the app writes back after it made or found the ticket. */
export interface TicketAttributes {
  zd_ticket_id?: unknown;
  zd_user_id?: unknown;
  /** Set by the app when the caller's typed ticket number named the ticket. */
  zd_ticket_source?: unknown;
}

function positiveId(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^[1-9][0-9]*$/.test(text) ? text : undefined;
}

/**
 * The Zendesk page the CRM panel shows for a task, following the NAVIGATE choice: the ticket, its requester, or
 * nothing; undefined while the task has no ticket yet (the app writes zd_ticket_id back once it has one).
 */
export function crmUrl(attributes: TicketAttributes | undefined, settings: PluginSettings): string | undefined {
  if (!settings.zendeskUrl) {
    return undefined;
  }

  const ticket = positiveId(attributes?.zd_ticket_id);
  if (!ticket) {
    return undefined;
  }

  const byNumber = attributes?.zd_ticket_source === 'existing';
  const choice: Navigate = byNumber && settings.navigateWithTicketNumber ? settings.navigateWithTicketNumber : settings.navigate;
  if (choice === 'ticket') {
    return `${settings.zendeskUrl}/agent/tickets/${ticket}`;
  }

  const user = positiveId(attributes?.zd_user_id);
  return choice === 'user' && user ? `${settings.zendeskUrl}/agent/users/${user}` : undefined;
}
