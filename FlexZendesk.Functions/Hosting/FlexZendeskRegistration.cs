using FlexZendesk.Functions.Errors;
using FlexZendesk.Functions.Flex;
using FlexZendesk.Functions.Webhooks;

namespace FlexZendesk.Functions.Hosting;

public static class FlexZendeskRegistration
{
    /// <summary>Everything the functions need, for the Functions host's worker and for the no-host runner alike.</summary>
    /// <param name="telemetry">Host-specific additions to the OpenTelemetry export (used only when it is on).</param>
    public static IServiceCollection AddFlexZendesk(this IServiceCollection services, IConfiguration configuration, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry = null)
    {
        services.AddFlexZendeskTelemetry(configuration, telemetry);
        services.AddFlexZendeskSettings();
        services.AddFlexZendeskIngress();
        services.AddFlexZendeskProcessing();
        services.AddFlexZendeskProblemDetails();
        services.AddSingleton<TwilioWebhookGate>();
        services.AddCors();
        services.AddSingleton<FlexCors>();
        services.AddSingleton<FlexTokens>();
        return services;
    }
}
