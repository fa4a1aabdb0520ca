// Log Analytics + Application Insights with local (instrumentation-key) authentication
// disabled, so telemetry is accepted only from Entra identities we grant a role to.
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object = {}

@description('Principal that may publish telemetry (the function app identity).')
param publisherPrincipalId string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 90
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Entra-authenticated ingestion only: the connection string alone cannot write telemetry.
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, publisherPrincipalId, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: applicationInsights
  properties: {
    principalId: publisherPrincipalId
    principalType: 'ServicePrincipal'
    // Monitoring Metrics Publisher: required for Entra-authenticated ingestion.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
  }
}

output logAnalyticsWorkspaceId string = logAnalytics.id
output logAnalyticsWorkspaceName string = logAnalytics.name
output applicationInsightsName string = applicationInsights.name
// The connection string carries the (non-secret) instrumentation key and ingestion endpoint;
// with DisableLocalAuth it cannot be used to write without a token.
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
