using Azure.Security.KeyVault.Secrets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Notifications;

/// <summary>Sends mail; one session per relay pass, so a burst shares one connection.</summary>
public interface IMailTransport
{
    /// <summary>False when no SMTP relay is configured (delivery off).</summary>
    bool Enabled { get; }

    Task<IMailSession> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>An open connection to the relay.</summary>
public interface IMailSession : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// MailKit over any SMTP relay. The password is read from Key Vault (Azure) or from configuration (a local relay that
/// needs one), never logged; it is read again at each connection so a rotated secret is picked up.
/// </summary>
internal sealed class SmtpMailTransport(IOptions<SmtpOptions> options, IOptions<DataStorageOptions> identity) : IMailTransport
{
    private readonly SmtpOptions _options = options.Value;
    private SecretClient? _secrets;

    public bool Enabled => !string.IsNullOrWhiteSpace(_options.Host);

    public async Task<IMailSession> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            var security = _options.Security switch
            {
                "StartTls" => SecureSocketOptions.StartTls,
                "SslOnConnect" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(_options.Host, _options.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, await PasswordAsync(cancellationToken), cancellationToken);
            }

            return new Session(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<string> PasswordAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.KeyVaultUri) || string.IsNullOrEmpty(_options.PasswordSecretName))
        {
            return _options.Password;
        }

        _secrets ??= new SecretClient(new Uri(_options.KeyVaultUri), StorageClients.CreateCredential(identity.Value));
        return (await _secrets.GetSecretAsync(_options.PasswordSecretName, cancellationToken: cancellationToken)).Value.Value;
    }

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => await client.SendAsync(message, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or MailKit.CommandException or OperationCanceledException)
            {
                // The mails are sent; a failed QUIT changes nothing.
            }

            client.Dispose();
        }
    }
}
