using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Finds the Zendesk user for a caller (cache, then search by phone or email) or creates one with
/// create_or_update keyed by external_id, so concurrent tasks from one new caller still make one user.
/// </summary>
public sealed class RequesterResolver(IZendeskApi zendesk, RequesterCache cache, IOptions<TicketOptions> tickets)
{
    /// <summary>The requester's id, or null to let Zendesk use the API user (unknown caller, user creation off).</summary>
    /// <param name="trustCache">False after Zendesk refused a cached id (user deleted or merged): search again.</param>
    public async Task<long?> ResolveAsync(TaskContext task, bool trustCache, CancellationToken cancellationToken)
    {
        var (kind, value) = Identity(task);
        if (value is not null)
        {
            if (trustCache && await cache.FindAsync(kind, value, cancellationToken) is { } cached)
            {
                return cached;
            }

            var found = await ApiCall.RequireAsync(() => zendesk.SearchUsersAsync(value, cancellationToken), "Zendesk user search", cancellationToken);
            var match = found.Users.FirstOrDefault(u => u.Phone == value || string.Equals(u.Email, value, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                await cache.RememberAsync(kind, value, match.Id, cancellationToken);
                return match.Id;
            }
        }

        if (!tickets.Value.CreateUsers)
        {
            return null;
        }

        var identity = value ?? task.From ?? task.TaskSid;
        var user = new ZendeskNewUser(
            Name: Template.Clean(task.CustomerName ?? value ?? "Flex customer", singleLine: true),
            Email: kind == "email" ? value : null,
            Phone: kind == "phone" ? value : null,
            ExternalId: "twilio-flex:" + identity);
        var created = await ApiCall.RequireAsync(() => zendesk.CreateOrUpdateUserAsync(new ZendeskUserBody(user), cancellationToken), "Zendesk create user", cancellationToken);
        if (value is not null)
        {
            await cache.RememberAsync(kind, value, created.User.Id, cancellationToken);
        }

        return created.User.Id;
    }

    private static (string Kind, string? Value) Identity(TaskContext task) =>
        task.Phone is { } phone ? ("phone", phone) : task.Email is { } email ? ("email", email) : ("", null);
}
