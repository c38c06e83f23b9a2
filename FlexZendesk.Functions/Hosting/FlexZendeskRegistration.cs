using FlexZendesk.Functions.Errors;
using FlexZendesk.Functions.Flex;
using FlexZendesk.Functions.Webhooks;

namespace FlexZendesk.Functions.Hosting;

public static class FlexZendeskRegistration
{
    /// <summary>Everything the functions need, for the Functions host's worker and for the no-host runner alike.</summary>
    public static IServiceCollection AddFlexZendesk(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFlexZendeskTelemetry(configuration);
        services.AddFlexZendeskSettings();
        services.AddFlexZendeskIngress();
        services.AddFlexZendeskProcessing();
        services.AddFlexZendeskProblemDetails();
        services.AddSingleton<TwilioWebhookGate>();
        services.AddSingleton<PluginKeyGate>();
        return services;
    }
}
