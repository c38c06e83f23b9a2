import { crmUrl } from '../src/crm';
import type { PluginSettings } from '../src/settings';

const settings = (navigate: PluginSettings['navigate'], navigateWithTicketNumber?: PluginSettings['navigate']): PluginSettings => ({
  appUrl: 'https://app.example.test',
  zendeskUrl: 'https://acme.zendesk.example.test',
  navigate,
  navigateWithTicketNumber,
  embedded: false,
});

describe('crmUrl', () => {
  const attributes = { zd_ticket_id: '1017', zd_user_id: 1016, zd_ticket_source: 'created' };

  it('shows the ticket, the requester or nothing, as NAVIGATE says', () => {
    expect(crmUrl(attributes, settings('ticket'))).toBe('https://acme.zendesk.example.test/agent/tickets/1017');
    expect(crmUrl(attributes, settings('user'))).toBe('https://acme.zendesk.example.test/agent/users/1016');
    expect(crmUrl(attributes, settings('none'))).toBeUndefined();
  });

  it('follows the ticket-number choice when the caller named the ticket', () => {
    const typed = { ...attributes, zd_ticket_source: 'existing' };
    expect(crmUrl(typed, settings('ticket', 'user'))).toBe('https://acme.zendesk.example.test/agent/users/1016');
    expect(crmUrl(attributes, settings('ticket', 'user'))).toBe('https://acme.zendesk.example.test/agent/tickets/1017');
    expect(crmUrl(typed, settings('user'))).toBe('https://acme.zendesk.example.test/agent/users/1016');
  });

  it('shows nothing while the task has no ticket yet, or no usable id', () => {
    expect(crmUrl({}, settings('ticket'))).toBeUndefined();
    expect(crmUrl(undefined, settings('ticket'))).toBeUndefined();
    expect(crmUrl({ zd_ticket_id: '' }, settings('ticket'))).toBeUndefined();
    expect(crmUrl({ zd_ticket_id: '12; drop' }, settings('ticket'))).toBeUndefined();
    expect(crmUrl({ zd_ticket_id: '1017' }, settings('user'))).toBeUndefined();
  });
});
