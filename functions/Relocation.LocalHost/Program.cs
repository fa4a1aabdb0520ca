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

if (args is ["--help"] or ["-h"])
{
    // Asking for the options is not a typo: the usage on standard output and success, not "Unknown option" and exit 2.
    Console.Out.WriteLine(LocalHostArguments.Usage);
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
