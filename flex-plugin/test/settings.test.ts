import { readSettings, runsInsideZendesk } from '../src/settings';

describe('readSettings', () => {
  it('reads ui_attributes.flexZendesk and trims trailing slashes', () => {
    const settings = readSettings({ flexZendesk: { appUrl: 'https://app.example.test/', zendeskUrl: 'https://acme.zendesk.com', navigate: 'user', embedded: 'false' } });
    expect(settings).toEqual({ appUrl: 'https://app.example.test', zendeskUrl: 'https://acme.zendesk.com', navigate: 'user', navigateWithTicketNumber: undefined, embedded: false });
  });

  it('defaults to the ticket and detecting Zendesk around Flex', () => {
    expect(readSettings(undefined)).toEqual({ appUrl: '', zendeskUrl: '', navigate: 'ticket', navigateWithTicketNumber: undefined, embedded: 'auto' });
    expect(readSettings({ flexZendesk: { navigate: 'sideways' } }).navigate).toBe('ticket');
  });
});

describe('runsInsideZendesk', () => {
  const auto = readSettings({ flexZendesk: { zendeskUrl: 'https://acme.zendesk.com' } });
  const top = {};

  it('is false for Flex on its own page', () => {
    expect(runsInsideZendesk(auto, { self: top, top }, '')).toBe(false);
  });

  it('is true for Flex framed by Zendesk', () => {
    expect(runsInsideZendesk(auto, { self: {}, top }, 'https://acme.zendesk.com/agent/dashboard')).toBe(true);
    expect(runsInsideZendesk(auto, { self: {}, top }, 'https://crm.example.test/')).toBe(false);
  });

  it('takes an explicit setting over detection', () => {
    expect(runsInsideZendesk({ ...auto, embedded: true }, { self: top, top }, '')).toBe(true);
    expect(runsInsideZendesk({ ...auto, embedded: false }, { self: {}, top }, 'https://acme.zendesk.com/')).toBe(false);
  });
});
