using Microsoft.Extensions.Configuration;
using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Notifications;

internal sealed class NotificationRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<NotificationHandlers>("ListInbox", HttpMethods.Get, "inbox", Roles.All,
            (h, r) => h.ListInboxAsync(r), "The caller's own messages, newest first, paged (unread=true for unread only; page = the previous answer's nextPage).")
            .WithQuery<bool>("unread", "true for unread messages only.")
            .WithQuery<string>("page", "The nextPage of the previous answer.")
            .Produces<InboxPageDto>(),
        ApiRoute.For<NotificationHandlers>("MarkInboxRead", HttpMethods.Post, "inbox/{id}/read", Roles.All,
            (h, r) => h.MarkReadAsync(r), "Marks one of the caller's own messages read; another recipient's message is a 404.")
            .AcceptsNoBody().Produces<InboxReadDto>(),
        ApiRoute.For<NotificationHandlers>("ListOutbox", HttpMethods.Get, "outbox", [Roles.RegistryAdmin],
            (h, r) => h.ListOutboxAsync(r),
            "Delivery status of notifications (status=Pending/Sent/Failed): recipient role, kind, attempts, last error; no subject or body. "
            + "Pending first, then Failed and Sent newest first; paged: the Link header (rel=\"next\") names the next page.")
            .WithQuery<DeliveryStatus>("status", "Only deliveries in this status.")
            .WithQuery<string>("page", "The page named by the previous answer's Link header.")
            .ProducesPageWithLink<IReadOnlyList<DeliveryDto>>("One page of deliveries; the Link header names the next one."),
    ];
}

/// <summary>The inbox (every role, own messages only) and the operator's delivery view.</summary>
internal sealed class NotificationHandlers(IInbox inbox, IOutbox outbox, IConfiguration? configuration = null)
{
    public const int PageSize = 50;

    /// <summary>Deliveries per page of the outbox; <c>Notifications:OutboxPageSize</c> makes it smaller (tests that page).</summary>
    private readonly int _outboxPageSize = configuration?.GetValue<int?>("Notifications:OutboxPageSize") is { } size and > 0 and <= 500 ? size : 500;

    public async Task<ApiResult> ListInboxAsync(ApiRequest request)
    {
        var unread = request.Query("unread") switch
        {
            null or "" or "false" => false,
            "true" => true,
            _ => throw new DomainValidationException("unread", "'unread' must be true or false."),
        };
        var page = request.Query("page");
        if (page is not null && !IsId(page))
        {
            throw new DomainValidationException("page", "'page' must be the nextPage value of a previous answer.");
        }

        var result = await inbox.ListAsync(Recipients.Of(request.Caller), unread, page, PageSize, request.Aborted);
        return ApiResult.Ok(new InboxPageDto(result.Items.Select(InboxItemDto.From).ToArray(), result.NextPage));
    }

    public async Task<ApiResult> MarkReadAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return await inbox.MarkReadAsync(Recipients.Of(request.Caller), id, request.Aborted)
            ? ApiResult.Ok(new InboxReadDto(id, true))
            : throw new NotFoundException($"There is no message '{id}' in your inbox.");
    }

    public async Task<ApiResult> ListOutboxAsync(ApiRequest request)
    {
        DeliveryStatus? status = request.Query("status") switch
        {
            null or "" => null,
            "Pending" => DeliveryStatus.Pending,
            "Sent" => DeliveryStatus.Sent,
            "Failed" => DeliveryStatus.Failed,
            _ => throw new DomainValidationException("status", "'status' must be Pending, Sent or Failed."),
        };
        var page = request.Query("page");
        if (page is { Length: > 200 })
        {
            throw new DomainValidationException("page", "'page' must be the page named by a previous answer's Link header.");
        }

        // The answer stays the bare array PRODUCT.md fixes; the next page travels in the Link header.
        var result = await outbox.ListDeliveriesAsync(status, page, _outboxPageSize, request.Aborted);
        var items = result.Items.Select(d => new DeliveryDto(d.Id, d.RecipientRole, d.Kind, d.Status.ToString(), d.Attempts, d.LastError)).ToArray();
        return ApiResult.Ok(items) with
        {
            NextPageLink = result.NextPage is { } next
                ? $"/api/outbox?{(status is { } s ? $"status={s}&" : string.Empty)}page={Uri.EscapeDataString(next)}"
                : null,
        };
    }

    private static bool IsId(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigitLower);
}

internal sealed record InboxPageDto(IReadOnlyList<InboxItemDto> Items, string? NextPage);

internal sealed record InboxItemDto(string Id, string Kind, string Subject, string Body, DateTimeOffset CreatedAt, bool Read, string? Link)
{
    public static InboxItemDto From(InboxItem item) => new(item.Id, item.Kind, item.Subject, item.Body, item.CreatedAt, item.Read, item.Link);
}

internal sealed record DeliveryDto(string Id, string RecipientRole, string Kind, string Status, int Attempts, string? LastError);

internal sealed record InboxReadDto(string Id, bool Read);
