using System.ComponentModel.DataAnnotations;

namespace Relocation.Storage.Notifications;

/// <summary>Who receives the teams' messages, where the console is, and how hard the relay tries (<c>Notifications__*</c>).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The Victims and Witnesses Unit's team mailbox.</summary>
    [Required(AllowEmptyStrings = false)]
    public string VwuAddress { get; set; } = "vwu@relocation.test";

    /// <summary>Registry (external relations): escalations, agreement reminders.</summary>
    [Required(AllowEmptyStrings = false)]
    public string RegistryAddress { get; set; } = "registry@relocation.test";

    /// <summary>Finance staff: the monthly fund report.</summary>
    [Required(AllowEmptyStrings = false)]
    public string FinanceAddress { get; set; } = "finance@relocation.test";

    /// <summary>The web console's root, for the link in each mail; empty leaves links relative.</summary>
    public string ConsoleBaseUrl { get; set; } = string.Empty;

    /// <summary>Tries before a message is dead-lettered (status Failed).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>First retry delay; it doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the relay looks for due messages that no in-process signal announced (retries, other hosts).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The SMTP relay (<c>Smtp__*</c>): smtp4dev locally, Azure Communication Services Email by default in Azure.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>Empty turns e-mail delivery off: messages still reach inboxes and stay Pending for e-mail.</summary>
    public string Host { get; set; } = string.Empty;

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary><c>None</c> (local), <c>StartTls</c> (port 587, Azure Communication Services) or <c>SslOnConnect</c> (465).</summary>
    public string Security { get; set; } = "None";

    public string UserName { get; set; } = string.Empty;

    /// <summary>Only for a local relay that needs one; in Azure the password is the Key Vault secret below.</summary>
    public string Password { get; set; } = string.Empty;

    public string KeyVaultUri { get; set; } = string.Empty;

    public string PasswordSecretName { get; set; } = string.Empty;

    [Required(AllowEmptyStrings = false)]
    public string FromAddress { get; set; } = "relocation@relocation.test";

    /// <summary>Right-hand side of each <c>Message-Id</c>: the id is <c>&lt;notification-id@domain&gt;</c>, the same on every retry.</summary>
    [Required(AllowEmptyStrings = false)]
    public string MessageIdDomain { get; set; } = "relocation.test";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}
