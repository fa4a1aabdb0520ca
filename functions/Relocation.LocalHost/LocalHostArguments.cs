using System.Globalization;

namespace Relocation.LocalHost;

/// <summary>The command line: <c>[--port N] [--data DIR] [--storage-port N] [--smtp-port N | --no-smtp] [--in-memory] [--seed-sample]</c>, or <c>token --role R [--state ISO3] [--name TEXT]</c>.</summary>
internal sealed record LocalHostArguments(
    bool IsTokenCommand,
    int Port,
    string? DataDirectory,
    bool InMemory,
    bool SeedSample,
    int StoragePort,
    string? WorkerId,
    string? Role,
    string? State,
    string? Name)
{
    public const int DefaultPort = 7071;

    /// <summary>smtp4dev's SMTP port; its web page is on the next port.</summary>
    public const int DefaultSmtpPort = 2525;

    /// <summary>SMTP port of the local mail server (smtp4dev); its web page listens on the next port.</summary>
    public int SmtpPort { get; init; } = DefaultSmtpPort;

    /// <summary>No local mail server and no e-mail: notifications still reach the inboxes and wait as Pending.</summary>
    public bool NoSmtp { get; init; }

    public const string Usage = """
        Usage:
          dotnet run --project functions/Relocation.LocalHost [-- --port 7071] [--data DIR] [--in-memory] [--seed-sample] [--storage-port 10000] [--smtp-port 2525 | --no-smtp] [--worker-id ID]
          dotnet run --project functions/Relocation.LocalHost -- token --role <Role> [--state <ISO3>] [--name <text>]
        Roles: Registry.Admin, Vwu.Officer, State.FocalPoint, Finance.Officer, Auditor
        """;

    public static LocalHostArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var isToken = args.Count > 0 && args[0] == "token";
        int port = DefaultPort, storagePort = 10000;
        string? data = null, workerId = null, role = null, state = null, name = null;
        bool inMemory = false, seed = false, noSmtp = false;
        var smtpPort = DefaultSmtpPort;
        for (var i = isToken ? 1 : 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--port":
                    port = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                        ? p : throw new ArgumentException($"--port must be a TCP port.\n{Usage}");
                    break;
                case "--data": data = Next(); break;
                case "--storage-port":
                    storagePort = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var sp) && sp is > 0 and < 65534
                        ? sp : throw new ArgumentException($"--storage-port must be a TCP port (Azurite uses it and the next two).\n{Usage}");
                    break;
                case "--smtp-port":
                    smtpPort = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var mp) && mp is > 0 and < 65535
                        ? mp : throw new ArgumentException($"--smtp-port must be a TCP port (smtp4dev's web page uses the next one).\n{Usage}");
                    break;
                case "--no-smtp": noSmtp = true; break;
                case "--in-memory": inMemory = true; break;
                case "--seed-sample": seed = true; break;
                case "--worker-id": workerId = Next(); break;
                case "--role": role = Next(); break;
                case "--state": state = Next(); break;
                case "--name": name = Next(); break;
                default:
                    // dotnet run passes its own launch-profile switches through; anything else is a typo.
                    if (args[i].StartsWith("--urls", StringComparison.Ordinal) || args[i].StartsWith("--environment", StringComparison.Ordinal))
                    {
                        i++;
                        break;
                    }

                    throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }

        if (isToken && string.IsNullOrEmpty(role))
        {
            throw new ArgumentException($"token needs --role.\n{Usage}");
        }

        return new LocalHostArguments(isToken, port, data, inMemory, seed, storagePort, workerId, role, state, name) { SmtpPort = smtpPort, NoSmtp = noSmtp };
    }
}
