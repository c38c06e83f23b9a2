using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>Settings under <c>Tickets:</c>.</summary>
public sealed class TicketOptions
{
    public const string Section = "Tickets";

    /// <summary>The TaskRouter event at which a ticket is created: <c>reservation.accepted</c> or <c>task.created</c>.</summary>
    public string CreateOn { get; set; } = "reservation.accepted";

    public bool CreateTickets { get; set; } = true;

    public bool CreateUsers { get; set; } = true;

    /// <summary>Template over task attributes (<c>{{from}}</c>, <c>{{conversations.segment_link}}</c>) and <c>{{task.channel}}</c>, <c>{{task.queue}}</c>, <c>{{task.sid}}</c>.</summary>
    public string Subject { get; set; } = "{{task.channel}} contact from {{from}}";

    public string Description { get; set; } = "Twilio Flex {{task.channel}} contact from {{from}} in queue {{task.queue}} (task {{task.sid}}).";

    /// <summary>Tags on every ticket (comma or space separated), besides the task's zdCustomTags.</summary>
    public string DefaultTags { get; set; } = "twilio_flex";

    /// <summary>A new ticket's assignee and submitter are the agent who took the contact; a reused one's only when it has none.</summary>
    public bool AssignToAgent { get; set; } = true;

    /// <summary>TaskRouter queue name → Zendesk group id, e.g. <c>Support=360001,Billing=360002</c>; empty: no group set.</summary>
    public string GroupsByQueue { get; set; } = "";

    /// <summary><see cref="GroupsByQueue"/> parsed; queue names compare case-insensitively.</summary>
    public IReadOnlyDictionary<string, long> GroupMap => ParseGroups(GroupsByQueue).Map;

    internal static (Dictionary<string, long> Map, string? Error) ParseGroups(string value)
    {
        var map = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.LastIndexOf('=');
            if (equals <= 0 || !long.TryParse(pair[(equals + 1)..].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group) || group <= 0)
            {
                return (map, $"Tickets:GroupsByQueue entry '{pair}' is not <queue name>=<group id>, e.g. Support=360001.");
            }

            map[pair[..equals].Trim()] = group;
        }

        return (map, null);
    }
}

public sealed class TicketOptionsValidator : IValidateOptions<TicketOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.CreateOn is not ("reservation.accepted" or "task.created"))
        {
            builder.AddError("Tickets:CreateOn must be reservation.accepted or task.created.");
        }

        if (TicketOptions.ParseGroups(options.GroupsByQueue).Error is { } error)
        {
            builder.AddError(error);
        }

        return builder.Build();
    }
}
