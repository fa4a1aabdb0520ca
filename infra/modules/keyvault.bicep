// Key Vault for the case-file encryption key. RBAC only (no access policies), purge
// protection so a deleted key cannot be destroyed before case files encrypted with it are.
param name string
param location string
param tags object = {}

@description('Principal that reads secrets at run time (the function app identity).')
param readerPrincipalId string

@description('Optional human principal that creates and rotates the key (azd post-provision hook). Empty: none.')
param keyAdminPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param keyAdminPrincipalType string = 'User'

param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // Reached only through its private endpoint (network module); see docs/deploy.md for operator access.
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: 'Deny'
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    // Key Vault Secrets User: get/list secret values, nothing else.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyAdminPrincipalId)) {
  name: guid(vault.id, keyAdminPrincipalId, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
  scope: vault
  properties: {
    principalId: keyAdminPrincipalId
    principalType: keyAdminPrincipalType
    // Key Vault Secrets Officer: lets the deployer create the key and new versions of it.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        // Every secret read by the app is an audit event.
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
