// Parameters for main.bicep. Secrets are read from the environment of the deploying shell, never written here:
//   export TWILIO_AUTH_TOKEN=... ZENDESK_API_TOKEN=...
using 'main.bicep'

param appName = 'flexzendesk-contoso'
param hostingPlan = 'FlexConsumption'
param twilioAccountSid = 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
param twilioAuthToken = readEnvironmentVariable('TWILIO_AUTH_TOKEN')
param twilioWorkspaceSid = 'WSxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
param zendeskBaseUrl = 'https://your-subdomain.zendesk.com'
param zendeskEmail = 'agent@example.com'
param zendeskApiToken = readEnvironmentVariable('ZENDESK_API_TOKEN')
param flexAllowedOrigins = 'https://flex.twilio.com'
param alertEmail = ''
param settings = {
  Zendesk__RequestsPerMinute: '200'
  Zendesk__TicketUpdatesPerMinute: '100'
  Notes__Stages: 'accepted,completed'
}
