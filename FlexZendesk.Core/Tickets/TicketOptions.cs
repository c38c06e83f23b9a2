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
}

public sealed class TicketOptionsValidator : IValidateOptions<TicketOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketOptions options) =>
        options.CreateOn is "reservation.accepted" or "task.created"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Tickets:CreateOn must be reservation.accepted or task.created.");
}
