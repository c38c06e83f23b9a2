/**
 * @jest-environment jsdom
 */
import type * as Flex from '@twilio/flex-ui';
import { FlexZendeskPlugin } from '../src/FlexZendeskPlugin';

type Listener = (payload: { task?: Partial<Flex.ITask> }) => void;

/** The smallest stand-in for the Flex UI APIs the plugin touches: Actions' listeners, the CRM container, the manager. */
function fakeFlex(ui: Record<string, unknown>, token: () => string) {
  const listeners = new Map<string, Listener[]>();
  const flex = {
    Actions: { addListener: (name: string, listener: Listener) => listeners.set(name, [...(listeners.get(name) ?? []), listener]) },
    CRMContainer: { defaultProps: {} as { uriCallback?: (task?: Partial<Flex.ITask>) => string } },
  };
  const manager = {
    serviceConfiguration: { ui_attributes: ui },
    get user() {
      return { token: token() };
    },
  };
  return { flex, manager, fire: (name: string, task?: Partial<Flex.ITask>) => listeners.get(name)?.forEach((l) => l({ task })) };
}

const settings = { flexZendesk: { appUrl: 'https://app.example.test', zendeskUrl: 'https://acme.zendesk.com', navigate: 'ticket', embedded: false } };
const task = { taskSid: 'WT0123456789abcdef0123456789abcdef', attributes: { zd_ticket_id: '1017', zd_user_id: '1016' } };

describe('FlexZendeskPlugin', () => {
  let fetchMock: jest.Mock;

  beforeEach(() => {
    fetchMock = jest.fn().mockResolvedValue({ status: 202 });
    window.fetch = fetchMock;
  });

  it('reports a selected and an accepted task with the current token', async () => {
    let token = 'agent-token-1';
    const { flex, manager, fire } = fakeFlex(settings, () => token);
    new FlexZendeskPlugin().init(flex as unknown as typeof Flex, manager as unknown as Flex.Manager);

    fire('afterSelectTask', task);
    token = 'agent-token-2';
    fire('afterAcceptTask', task);
    fire('afterSelectTask', undefined);
    await Promise.resolve();

    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['https://app.example.test/api/flex/tasks/selected', 'https://app.example.test/api/flex/tasks/selected']);
    expect(fetchMock.mock.calls.map((c) => JSON.parse(c[1].body).token)).toEqual(['agent-token-1', 'agent-token-2']);
  });

  it('fills the CRM panel with the ticket when Flex runs on its own', () => {
    const { flex, manager } = fakeFlex(settings, () => 't');
    new FlexZendeskPlugin().init(flex as unknown as typeof Flex, manager as unknown as Flex.Manager);

    expect(flex.CRMContainer.defaultProps.uriCallback?.(task)).toBe('https://acme.zendesk.com/agent/tickets/1017');
    expect(flex.CRMContainer.defaultProps.uriCallback?.({ taskSid: task.taskSid, attributes: {} })).toBe('about:blank');
  });

  it('leaves the CRM panel alone inside Zendesk', () => {
    const { flex, manager } = fakeFlex({ flexZendesk: { ...settings.flexZendesk, embedded: true } }, () => 't');
    new FlexZendeskPlugin().init(flex as unknown as typeof Flex, manager as unknown as Flex.Manager);

    expect(flex.CRMContainer.defaultProps.uriCallback).toBeUndefined();
  });
});
