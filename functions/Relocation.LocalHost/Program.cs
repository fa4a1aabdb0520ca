using Relocation.LocalHost;

if (args is ["openapi", .. var rest])
{
    // The contract as the API serves it at /api/openapi.json, without starting anything: for client generators and linters.
    var text = Relocation.Api.OpenApi.OpenApiDocument.ToText(Relocation.Api.Routing.ApiRouteTable.Discover());
    if (rest is [var path])
    {
        await File.WriteAllTextAsync(path, text);
    }
    else
    {
        Console.Out.Write(text);
    }

    return 0;
}

try
{
    var arguments = LocalHostArguments.Parse(args);
    return arguments.IsTokenCommand
        ? TokenCommand.Run(arguments)
        : await LocalHostApp.RunAsync(arguments);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
