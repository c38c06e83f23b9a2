using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Reconcile;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Functions.Webhooks;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Hosting;

public static class SettingsRegistration
{
    /// <summary>Binds every settings section and validates it at start, so a bad setting stops the app with a message naming the key.</summary>
    public static IServiceCollection AddFlexZendeskSettings(this IServiceCollection services)
    {
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();

        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>();

        services.AddOptions<IngressOptions>().BindConfiguration(IngressOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngressOptions>, IngressOptionsValidator>();

        services.AddOptions<ZendeskOptions>().BindConfiguration(ZendeskOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ZendeskOptions>, ZendeskOptionsValidator>();

        services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TicketOptions>, TicketOptionsValidator>();

        services.AddOptions<NoteOptions>().BindConfiguration(NoteOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NoteOptions>, NoteOptionsValidator>();

        services.AddOptions<FlexOptions>().BindConfiguration(FlexOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FlexOptions>, FlexOptionsValidator>();

        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>();

        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>();

        services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>(StorageOptions.Bind)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageClients>();
        return services;
    }

    public static IServiceCollection AddFlexZendeskIngress(this IServiceCollection services)
    {
        services.AddSingleton<EventQueueWriter>();
        services.AddSingleton<EnqueueSignal>();
        services.AddSingleton<PayloadStore>();
        services.AddSingleton<PoisonMessages>();
        services.AddSingleton(sp => new TwilioWebhookValidator(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.AuthToken));
        services.AddSingleton(sp => new Core.Events.EventTypeFilter(sp.GetRequiredService<IOptions<IngressOptions>>().Value.EventTypes));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        return services;
    }
}
