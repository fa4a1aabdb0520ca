using Relocation.LocalHost;

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
