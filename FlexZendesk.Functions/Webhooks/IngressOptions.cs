using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>Settings under <c>Ingress:</c>: what the webhook endpoints accept.</summary>
public sealed class IngressOptions
{
    public const string Section = "Ingress";

    public const string DefaultEventTypes =
        "task.created,reservation.accepted,reservation.wrapup,task.wrapup,task.completed,task.canceled,task.transfer-*";

    /// <summary>Larger bodies get 413. Studio sends at most 64 kB.</summary>
    [Range(1024, 1024 * 1024, ErrorMessage = "Ingress:MaxBodyBytes must be between 1024 and 1048576.")]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>TaskRouter event types that are enqueued (comma separated; a trailing * matches a prefix). Others get 204 and are dropped on purpose.</summary>
    [Required(ErrorMessage = "Ingress:EventTypes must list at least one event type.")]
    public string EventTypes { get; set; } = DefaultEventTypes;
}

[OptionsValidator]
public sealed partial class IngressOptionsValidator : IValidateOptions<IngressOptions>;
