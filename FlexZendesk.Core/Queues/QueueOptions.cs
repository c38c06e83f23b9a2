using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>Settings under <c>Queues:</c>.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queues";

    [Required(ErrorMessage = "Queues:EventsQueue is required.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Queues:EventsQueue must be a valid queue name: 3-63 lower-case letters, digits and single hyphens.")]
    public string EventsQueue { get; set; } = "flex-events";

    /// <summary>Where envelopes too large for a queue message are stored; the queue then carries a pointer.</summary>
    public string PayloadContainer => EventsQueue + "-payloads";
}

[OptionsValidator]
public sealed partial class QueueOptionsValidator : IValidateOptions<QueueOptions>;
