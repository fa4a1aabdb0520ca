namespace Relocation.Storage.Notifications;

/// <summary>
/// Wakes the relay in this process as soon as a notification is queued, so a message waits for the SMTP server and not
/// for the next poll. Messages queued by another process are found by the poll.
/// </summary>
public sealed class NotificationSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Raise()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up is enough.
        }
    }

    /// <summary>Waits until raised or until <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
