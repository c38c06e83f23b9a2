// The FlexZendesk workbook and alerts, over the app's OpenTelemetry metrics in Application Insights (customMetrics:
// name = instrument name, customDimensions = tags; see FlexZendeskMetrics.cs). Change names there and here together.

param appName string
param location string
param insightsId string
param alertEmail string
param failureRateThreshold string
param zendesk429Threshold int
param tags object

resource actions 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${appName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('fz${appName}', 12)
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      { name: 'operators', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var alerts = [
  {
    name: 'poison'
    severity: 1
    title: 'FlexZendesk: poison queue not empty'
    description: 'Events that failed every delivery wait in the poison queue. Fix the cause (see the log), then POST /api/ops/poison/replay. Resolves when the queue is empty again.'
    query: 'customMetrics | where name in ("flexzendesk.poison.depth", "flexzendesk.poison.messages") | summarize Poison = max(valueMax)'
    metric: 'Poison'
    aggregation: 'Maximum'
    threshold: 0
  }
  {
    name: 'failure-rate'
    severity: 2
    title: 'FlexZendesk: processing failure rate'
    description: 'More than the threshold share of queue deliveries failed (retry, permanent or invalid) in 15 minutes.'
    query: 'customMetrics | where name == "flexzendesk.events.processed" | extend outcome = tostring(customDimensions.outcome) | summarize Total = sum(valueSum), Failed = sumif(valueSum, outcome != "completed") | where Total >= 10 | project FailureRate = Failed / Total'
    metric: 'FailureRate'
    aggregation: 'Maximum'
    threshold: json(failureRateThreshold)
  }
  {
    name: 'zendesk-429'
    severity: 2
    title: 'FlexZendesk: Zendesk rate limiting (429)'
    description: 'Zendesk answered 429 more often than the threshold in 15 minutes: set Zendesk__RequestsPerMinute to the plan (account-wide, shared by all instances), check other API clients of the account, or raise the plan.'
    query: 'customMetrics | where name == "flexzendesk.zendesk.throttled" and tostring(customDimensions.reason) == "429" | summarize Throttled = sum(valueSum)'
    metric: 'Throttled'
    aggregation: 'Total'
    threshold: zendesk429Threshold
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in alerts: {
  name: 'alert-${appName}-${alert.name}'
  location: location
  tags: tags
  properties: {
    displayName: alert.title
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [insightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: alert.aggregation
          metricMeasureColumn: alert.metric
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [actions.id] }
  }
}]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appName, 'flexzendesk-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'FlexZendesk (${appName})'
    category: 'workbook'
    sourceId: insightsId
    serializedData: loadTextContent('workbook.json')
  }
}

output workbookId string = workbook.id
