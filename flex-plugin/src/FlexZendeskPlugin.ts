import type * as Flex from '@twilio/flex-ui';
import { crmUrl, type TicketAttributes } from './crm';
import { reportSelected, type Fetch } from './selectReporter';
import { readSettings, runsInsideZendesk } from './settings';

/**
 * The FlexZendesk plugin: reports what only the agent's Flex UI sees to the FlexZendesk app (a task selected or
 * accepted: the app pops the ticket on the agent's Zendesk screen and logs the "selected" note), and, when Flex runs on
 * its own (not inside Zendesk), shows the task's Zendesk ticket or requester in the CRM panel.
 */
export class FlexZendeskPlugin {
  public readonly name = 'FlexZendeskPlugin';

  public init(flex: typeof Flex, manager: Flex.Manager): void {
    const settings = readSettings(manager.serviceConfiguration?.ui_attributes as Record<string, unknown> | undefined);
    // The agent's Flex token, read at each call: Flex refreshes it before it expires.
    const token = (): string | undefined => manager.user?.token ?? undefined;
    const fetchFn: Fetch = (url, init) => window.fetch(url, init);
    const report = (payload: { task?: Flex.ITask }): void => {
      void reportSelected(payload?.task, token, settings.appUrl, fetchFn);
    };

    flex.Actions.addListener('afterSelectTask', report);
    flex.Actions.addListener('afterAcceptTask', report);

    if (!runsInsideZendesk(settings, window, document.referrer)) {
      flex.CRMContainer.defaultProps.uriCallback = (task?: Flex.ITask) =>
        (task && crmUrl(task.attributes as TicketAttributes, settings)) ?? 'about:blank';
    }
  }
}
