// FlexZendesk in one resource group: a Linux function app running the .NET 10 isolated worker (Flex Consumption, or Elastic
// Premium), its storage (queues, tables, payload blobs, deployment container), Application Insights on a Log
// Analytics workspace with the FlexZendesk workbook and alerts, and a Key Vault holding every secret, read by the
// app through Key Vault references with its user-assigned managed identity. Validated in CI: scripts/validate-infra.

@description('Name of the function app (globally unique: it becomes <name>.azurewebsites.net); other resource names derive from it.')
@minLength(3)
@maxLength(40)
param appName string

param location string = resourceGroup().location

@description('FlexConsumption (scale to zero, per-second billing) or Premium (Elastic Premium, always-warm instances).')
@allowed(['FlexConsumption', 'Premium'])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium size when hostingPlan is Premium.')
@allowed(['EP1', 'EP2', 'EP3'])
param premiumSku string = 'EP1'

@description('Flex Consumption: most instances. The Zendesk budgets are account-wide and shared by every instance through Azure Storage (docs/budget.md).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 4

@description('Flex Consumption: instance memory in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Twilio account SID (AC...).')
param twilioAccountSid string

@description('Twilio auth token: validates X-Twilio-Signature and authenticates REST calls. Stored in Key Vault only.')
@secure()
param twilioAuthToken string

@description('TaskRouter workspace SID (WS...); empty accepts callbacks from any workspace of the account.')
param twilioWorkspaceSid string = ''

@description('Public base URL Twilio calls (scheme + host); empty = https://<appName>.azurewebsites.net. Set it when a proxy or Front Door fronts the app.')
param webhookBaseUrl string = ''

@description('https://<subdomain>.zendesk.com')
param zendeskBaseUrl string

@description('The Zendesk agent the API token belongs to.')
param zendeskEmail string

@description('Zendesk API token. Stored in Key Vault only.')
@secure()
param zendeskApiToken string

@description('Browser origins the Flex UI plugin calls /api/flex/tasks/selected from (comma separated): hosted Flex, plus a self-hosted Flex UI\'s own. The plugin authenticates with the agent\'s Flex token; the app answers CORS itself, so the Function App\'s platform CORS list stays empty.')
param flexAllowedOrigins string = 'https://flex.twilio.com'

@description('Further app settings from docs/configuration.md, e.g. {"Zendesk__RequestsPerMinute": "400", "Notes__Stages": "accepted,wrapup,completed"}.')
param settings object = {}

@description('E-mail address for alerts; empty creates the alerts without a notification target.')
param alertEmail string = ''

@description('Alert when more than this share of processed events fail in 15 minutes (0-1).')
param failureRateThreshold string = '0.1'

@description('Alert when Zendesk answers 429 more often than this in 15 minutes.')
@minValue(0)
param zendesk429Threshold int = 5

param tags object = {}

var flex = hostingPlan == 'FlexConsumption'
var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('stfz${suffix}', 24)
var vaultName = take('kv-fz-${suffix}', 24)
var deploymentContainer = 'app-package'
var eventsQueue = 'flex-events'
var contentShare = toLower(take(appName, 50))
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${appName}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${appName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Flex Consumption: the host and the app reach storage with the managed identity (AzureWebJobsStorage__accountName),
    // so no key is accepted. Elastic Premium keeps keys: its Azure Files content share only takes a connection string.
    allowSharedKeyAccess: !flex
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainer
}

resource payloadContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: '${eventsQueue}-payloads'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource eventQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in [eventsQueue, '${eventsQueue}-poison']: {
  parent: queues
  name: name
}]

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource ledgerTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in ['FlexZendeskTasks', 'FlexZendeskRequesters']: {
  parent: tables
  name: name
}]

resource files 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = if (!flex) {
  parent: storage
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = if (!flex) {
  parent: files
  name: contentShare
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${appName}'
  location: location
  tags: tags
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

resource twilioSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'TwilioAuthToken'
  properties: { value: twilioAuthToken }
}

resource zendeskSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'ZendeskApiToken'
  properties: { value: zendeskApiToken }
}

resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!flex) {
  parent: vault
  name: 'StorageConnectionString'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource packageReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The queue trigger, the ledger and the requester cache, through the identity (the host's leases use blobs: above).
resource queueWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${appName}'
  location: location
  tags: tags
  kind: flex ? 'functionapp' : 'elastic'
  sku: flex ? { name: 'FC1', tier: 'FlexConsumption' } : { name: premiumSku, tier: 'ElasticPremium' }
  properties: {
    reserved: true
    maximumElasticWorkerCount: flex ? null : maximumInstanceCount
  }
}

func vaultRef(vaultUri string, secret string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secret}/)'

var publicBaseUrl = empty(webhookBaseUrl) ? 'https://${app.properties.defaultHostName}' : webhookBaseUrl

// docs/configuration.md; `settings` overrides any of these.
var appSettings = union({
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  Twilio__AccountSid: twilioAccountSid
  Twilio__AuthToken: vaultRef(vault.properties.vaultUri, twilioSecret.name)
  Twilio__WebhookBaseUrl: publicBaseUrl
  Twilio__WorkspaceSid: twilioWorkspaceSid
  Zendesk__BaseUrl: zendeskBaseUrl
  Zendesk__Email: zendeskEmail
  Zendesk__ApiToken: vaultRef(vault.properties.vaultUri, zendeskSecret.name)
  Queues__EventsQueue: eventsQueue
  // The reconciliation timer's %Reconcile:Schedule%: the host needs it set (docs/processing.md "Gap-free").
  Reconcile__Schedule: '0 */5 * * * *'
  Flex__AllowedOrigins: flexAllowedOrigins
}, flex ? {
  // Identity-based, as the host reads it; the app builds its queue, table and blob clients the same way.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
} : {
  AzureWebJobsStorage: vaultRef(vault.properties.vaultUri, 'StorageConnectionString')
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: vaultRef(vault.properties.vaultUri, 'StorageConnectionString')
  WEBSITE_CONTENTSHARE: contentShare
  // The share is created above; the platform cannot validate it through a Key Vault reference.
  WEBSITE_SKIP_CONTENTSHARE_VALIDATION: '1'
}, settings)

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Premium names the stack here; Flex Consumption names it in functionAppConfig.runtime.
      linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|10.0'
    }
    functionAppConfig: flex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
    } : null
  }
  dependsOn: [vaultReader, packageReader, queueWriter, tableWriter, twilioSecret, zendeskSecret, storageSecret, share, eventQueues, ledgerTables, packageContainer, payloadContainer]
}

resource appConfig 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    appName: appName
    location: location
    insightsId: insights.id
    alertEmail: alertEmail
    failureRateThreshold: failureRateThreshold
    zendesk429Threshold: zendesk429Threshold
    tags: tags
  }
}

output functionAppName string = app.name
output taskRouterEventCallbackUrl string = '${publicBaseUrl}/api/taskrouter/events#rc=3&rp=all'
output studioEventsUrl string = '${publicBaseUrl}/api/studio/events'
output studioTicketLookupUrl string = '${publicBaseUrl}/api/studio/tickets/lookup'
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output applicationInsightsName string = insights.name
output workbookId string = monitoring.outputs.workbookId
