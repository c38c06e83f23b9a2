using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>Settings under <c>Ingress:</c>: what the webhook endpoints accept.</summary>
public sealed class IngressOptions
{
    public const string Section = "Ingress";

    public const string DefaultEventTypes =
        "task.created,reservation.accepted,reservation.wrapup,task.wrapup,task.completed,task.canceled,task.transfer-*";

    /// <summary>Larger bodies get 413. Studio sends at most 64 kB.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>TaskRouter event types that are enqueued (comma separated; a trailing * matches a prefix). Others get 204 and are dropped on purpose.</summary>
    public string EventTypes { get; set; } = DefaultEventTypes;
}

/// <summary>Hand-written: the generated [Range] validator drops ErrorMessage, and messages must name the key.</summary>
public sealed class IngressOptionsValidator : IValidateOptions<IngressOptions>
{
    public ValidateOptionsResult Validate(string? name, IngressOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.MaxBodyBytes is < 1024 or > 1024 * 1024)
        {
            builder.AddError("Ingress:MaxBodyBytes must be between 1024 and 1048576.");
        }

        if (string.IsNullOrWhiteSpace(options.EventTypes))
        {
            builder.AddError("Ingress:EventTypes must list at least one event type.");
        }

        return builder.Build();
    }
}
