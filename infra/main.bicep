// Relocation: everything the function app needs, in one resource group, with no keys or
// connection strings anywhere. Layout and parameter names follow the azd templates.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name.')
param environmentName string

@minLength(1)
@description('Region for all resources (must offer Flex Consumption).')
param location string

@description('Object id of the person running azd (AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer so the post-provision hook can create the case-file key. Empty: no human role.')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

@description('Grant principalId Key Vault Secrets Officer. Turn off once the key exists and the assignment was removed (docs/deploy.md).')
param deployerKeyVaultAccess bool = true

@description('Entra tenant that signs user tokens. Defaults to the subscription\'s tenant.')
param authTenantId string = tenant().tenantId

@description('Expected "aud" of access tokens. Empty: api://relocation-<resourceToken>. See docs/deploy.md.')
param authAudience string = ''

@description('Team mailbox of the Victims and Witnesses Unit: offers, acceptances, reviews.')
param vwuAddress string

@description('Registry (external relations) mailbox: escalations, agreement reminders.')
param registryAddress string

@description('Finance mailbox: the monthly Special Fund report.')
param financeAddress string

@description('Entra application (client) id that signs in to the SMTP endpoint; empty until it exists (docs/deploy.md).')
param smtpEntraApplicationId string = ''

@description('Web console root, for links in mails. Empty: the console Static Web App URL.')
param consoleBaseUrl string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var audience = empty(authAudience) ? 'api://relocation-${resourceToken}' : authAudience
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalId: identity.outputs.principalId
  }
}

// Functions host + Durable task hub (history, queues, leases) + the deployment package.
// Orchestration history is stored in clear, so only the app identity gets in: no human roles here.
module hostStorage 'modules/storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'sthost${resourceToken}'
    location: location
    tags: tags
    containers: [deploymentContainerName]
    principalId: identity.outputs.principalId
    roleDefinitionIds: [
      'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: host leases/secrets, task hub leases, package
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: task hub control and work-item queues
      '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor: task hub history and instances tables
    ]
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// Application data: registers, ledger, audit log (tables); documents, case files, reports (blobs).
module dataStorage 'modules/storage.bicep' = {
  name: 'data-storage'
  scope: rg
  params: {
    name: 'stdata${resourceToken}'
    location: location
    tags: tags
    // Written once, never changed or deleted (time-based retention): the audit log's chain heads (anchors), and the
    // archives sealed out of the tables, each blob create-only (closed audit months, closed years' statistics lines).
    // Not fund-sealed: its days/{yyyy}.json is rewritten under If-Match by a back-dated posting (docs/storage.md), which
    // such a policy would refuse; the Infra tests list it as the one sealed container without a policy, and why.
    immutableContainers: ['audit-anchors', 'audit-sealed', 'stats-sealed']
    principalId: identity.outputs.principalId
    roleDefinitionIds: [
      '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
    ]
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    endpoints: [
      { name: 'pe-host-blob-${resourceToken}', targetId: hostStorage.outputs.id, groupId: 'blob' }
      { name: 'pe-host-queue-${resourceToken}', targetId: hostStorage.outputs.id, groupId: 'queue' }
      { name: 'pe-host-table-${resourceToken}', targetId: hostStorage.outputs.id, groupId: 'table' }
      { name: 'pe-data-blob-${resourceToken}', targetId: dataStorage.outputs.id, groupId: 'blob' }
      { name: 'pe-data-table-${resourceToken}', targetId: dataStorage.outputs.id, groupId: 'table' }
      { name: 'pe-vault-${resourceToken}', targetId: keyVault.outputs.id, groupId: 'vault' }
    ]
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    keyAdminPrincipalId: deployerKeyVaultAccess ? principalId : ''
    keyAdminPrincipalType: principalType
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// The SMTP username the Entra application signs in as (the smtpUsernames resource of the communication service).
var smtpUserName = 'relocation-${resourceToken}'

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    emailServiceName: 'email-${resourceToken}'
    communicationServiceName: 'acs-${resourceToken}'
    tags: tags
    smtpEntraApplicationId: smtpEntraApplicationId
    smtpUserName: smtpUserName
  }
}

@description('Region of the console (Static Web Apps: westeurope, westus2, centralus, eastus2, eastasia).')
param consoleLocation string = 'westeurope'

module console 'modules/console.bicep' = {
  name: 'console'
  scope: rg
  params: {
    name: 'stapp-${resourceToken}'
    location: consoleLocation
    tags: tags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    identityId: identity.outputs.id
    subnetId: network.outputs.appSubnetId
    deploymentStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    allowedOrigins: ['https://${console.outputs.defaultHostname}']
    // The configuration contract with the app code (local names in local.settings.sample.json;
    // Infra tests check that every local setting has its counterpart here).
    appSettings: {
      // Functions host and Durable task hub: identity-based connection "AzureWebJobsStorage".
      AzureWebJobsStorage__accountName: hostStorage.outputs.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      // Application data: same shape as the host connection, plus explicit service URIs for
      // the app's own TableServiceClient/BlobServiceClient.
      DataStorage__accountName: dataStorage.outputs.name
      DataStorage__credential: 'managedidentity'
      DataStorage__clientId: identity.outputs.clientId
      DataStorage__tableServiceUri: dataStorage.outputs.tableEndpoint
      DataStorage__blobServiceUri: dataStorage.outputs.blobEndpoint
      // Sign-in: Entra ID v2.0 tokens. There is no signing key here: Entra signs.
      Auth__Mode: 'EntraId'
      Auth__TenantId: authTenantId
      Auth__Audience: audience
      Auth__Issuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
      // Case-file key: a Key Vault secret; its version is the key id stored with each ciphertext.
      CaseFiles__KeyVaultUri: keyVault.outputs.uri
      CaseFiles__KeyVaultSecretName: 'casefile-key'
      // Agreement lifecycle: reminder leads (days before review and expiry), calendar day, events per generation.
      Workflows__Agreements__ReminderLeadDays: '90,30'
      Workflows__Agreements__DayLength: '1.00:00:00'
      Workflows__Agreements__EventsPerGeneration: '20'
      // Urgent relocation: States asked per round; scale on the priority table's clock (1 in production).
      Workflows__Relocations__RoundSize: '3'
      Workflows__Relocations__ClockScale: '1'
      // Special Fund: the monthly report's timer (NCRONTAB, UTC): the 1st of each month at 06:00.
      Fund__MonthlyReportSchedule: '0 0 6 1 * *'
      // E-mail: Azure Communication Services Email over SMTP (any relay works with these settings). The password is
      // the Key Vault secret named here, read with the app identity; no secret is in the app settings.
      Smtp__Host: 'smtp.azurecommunication.net'
      Smtp__Port: '587'
      Smtp__Security: 'StartTls'
      Smtp__UserName: empty(smtpEntraApplicationId) ? '' : smtpUserName
      Smtp__KeyVaultUri: keyVault.outputs.uri
      Smtp__PasswordSecretName: 'smtp-password'
      Smtp__FromAddress: communication.outputs.senderAddress
      Smtp__MessageIdDomain: 'relocation-${resourceToken}.azurecomm.net'
      Notifications__VwuAddress: vwuAddress
      Notifications__RegistryAddress: registryAddress
      Notifications__FinanceAddress: financeAddress
      // Mail links open the console, which in Azure is the Static Web App (the Function App serves no pages).
      Notifications__ConsoleBaseUrl: empty(consoleBaseUrl) ? 'https://${console.outputs.defaultHostname}' : consoleBaseUrl
      Notifications__MaxAttempts: '20'
      Notifications__RetryBaseDelay: '00:00:05'
      Notifications__RetryMaxDelay: '00:15:00'
      // Telemetry: Entra-authenticated ingestion with the app identity.
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
    }
  }
}

// azd writes these into .azure/<env>/.env; the post-provision hook and docs use them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_CONSOLE_URL string = 'https://${console.outputs.defaultHostname}'
output AZURE_CONSOLE_NAME string = console.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output CASEFILE_KEY_SECRET_NAME string = 'casefile-key'
output AZURE_HOST_STORAGE_ACCOUNT string = hostStorage.outputs.name
output AZURE_DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output AZURE_VNET_NAME string = network.outputs.name
output AZURE_LOG_ANALYTICS_WORKSPACE string = monitoring.outputs.logAnalyticsWorkspaceName
output AZURE_APPLICATION_INSIGHTS string = monitoring.outputs.applicationInsightsName
output AUTH_AUDIENCE string = audience
output AZURE_COMMUNICATION_SERVICE string = communication.outputs.communicationServiceName
output SMTP_SECRET_NAME string = 'smtp-password'
