// E-mail for notifications: Azure Communication Services Email with an Azure-managed sender domain, sent through
// its SMTP endpoint (smtp.azurecommunication.net:587, STARTTLS). SMTP signs in with an Entra application: its id
// names the SMTP username below; its client secret is the Key Vault secret 'smtp-password' (docs/deploy.md). No key
// or connection string of this resource is used anywhere.
param emailServiceName string
param communicationServiceName string
param tags object = {}

@description('Where message data is stored at rest.')
param dataLocation string = 'Europe'

@description('Application (client) id of the Entra app that signs in to SMTP. Empty: no SMTP username yet (deploy.md).')
param smtpEntraApplicationId string = ''

@description('The SMTP username the app signs in with (free form or an e-mail address).')
param smtpUserName string

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// DoNotReply@<guid>.azurecomm.net, ready without DNS work; a custom domain can replace it later.
resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource smtpUsername 'Microsoft.Communication/communicationServices/smtpUsernames@2024-09-01-preview' = if (!empty(smtpEntraApplicationId)) {
  parent: communicationService
  name: 'relocation-notifications'
  properties: {
    entraApplicationId: smtpEntraApplicationId
    tenantId: tenant().tenantId
    username: smtpUserName
  }
}

output communicationServiceName string = communicationService.name
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
