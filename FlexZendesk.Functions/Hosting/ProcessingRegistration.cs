using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Functions.Queues;
using Microsoft.Extensions.Options;
using Refit;

namespace FlexZendesk.Functions.Hosting;

public static class ProcessingRegistration
{
    /// <summary>The app's User-Agent on its Zendesk and Twilio calls (the Twilio SDK adds its own beside it).</summary>
    public static readonly string UserAgent = "FlexZendesk/" + (typeof(ProcessingRegistration).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    /// <summary>The queue side: Zendesk and Twilio clients, the ledger and the processor.</summary>
    public static IServiceCollection AddFlexZendeskProcessing(this IServiceCollection services)
    {
        services.AddTransient<ZendeskAuthHandler>();
        services.AddSingleton<ZendeskBudget>();
        services.AddTransient<ZendeskBudgetHandler>();
        services.AddRefitGeneratedClient<IZendeskApi>(new RefitSettings(new SystemTextJsonContentSerializer(ZendeskJsonContext.Default.Options)))
            .ConfigureHttpClient((sp, http) =>
            {
                var zendesk = sp.GetRequiredService<IOptions<ZendeskOptions>>().Value;
                http.BaseAddress = new Uri(zendesk.BaseUrl.TrimEnd('/'));
                http.Timeout = TimeSpan.FromSeconds(zendesk.TimeoutSeconds);
                http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .AddHttpMessageHandler<ZendeskBudgetHandler>()
            .AddHttpMessageHandler(sp => new ApiCallMetricsHandler(sp.GetRequiredService<FlexZendeskMetrics>(), ApiCallMetricsHandler.Zendesk))
            .AddHttpMessageHandler<ZendeskAuthHandler>()
            .AddHttpMessageHandler(() => new JsonContentHandler());

        services.AddTransient<TwilioHostHandler>();
        services.AddHttpClient(TwilioRest.HttpClientName, http =>
            {
                http.Timeout = TimeSpan.FromSeconds(10);
                http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .AddHttpMessageHandler<TwilioHostHandler>()
            .AddHttpMessageHandler(sp => new ApiCallMetricsHandler(sp.GetRequiredService<FlexZendeskMetrics>(), ApiCallMetricsHandler.Twilio));
        services.AddSingleton<TwilioRest>();
        services.AddSingleton<TwilioCalls>();

        services.AddSingleton<LedgerStore>();
        services.AddSingleton<RequesterCache>();
        services.AddSingleton<RequesterResolver>();
        services.AddSingleton<AgentCache>();
        services.AddSingleton<AgentResolver>();
        services.AddSingleton<TicketPeople>();
        services.AddSingleton<ScreenPopPause>();
        services.AddSingleton<ScreenPop>();
        services.AddSingleton<CallRecordings>();
        services.AddSingleton<NoteBuilder>();
        services.AddSingleton<TicketResolver>();
        services.AddSingleton<TicketUpdates>();
        services.AddSingleton<NoteLogger>();
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<CallLog>();
        services.AddSingleton<Core.Processing.EventWork>();
        services.AddSingleton<TaskWriteBack>();
        services.AddSingleton<TicketCreator>();
        services.AddSingleton<FlexEventProcessor>();
        services.AddSingleton<Core.Reconcile.ReconcileWatermark>();
        services.AddSingleton<Core.Reconcile.EventsReader>();
        services.AddSingleton<Core.Reconcile.HandledEvents>();
        services.AddSingleton<Core.Reconcile.EventReconciler>();
        services.AddSingleton<FlexMessageHandler>();
        return services;
    }
}
