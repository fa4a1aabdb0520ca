// The web console: a Static Web App holding the published Blazor WebAssembly files. It has no backend of its own: the
// console calls the Function App directly (CORS allows exactly this origin), because a Static Web App's /api proxy
// replaces the Authorization header (Azure/static-web-apps#34) and the API authenticates every call by bearer token.
param name string
@description('Static Web Apps are offered in a few regions only; the files are served from the global edge anyway.')
param location string
param tags object = {}

resource console 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'console' })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // Deployed by azd from the published files; no repository link, no build in Azure.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = console.name
output defaultHostname string = console.properties.defaultHostname
