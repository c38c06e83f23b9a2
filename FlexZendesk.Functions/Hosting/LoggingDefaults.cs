namespace FlexZendesk.Functions.Hosting;

public static class LoggingDefaults
{
    /// <summary>
    /// Per-request framework logs are noise at Information, and neither host brings an appsettings.json, so the
    /// defaults live here. Logging:LogLevel settings still override.
    /// </summary>
    public static ILoggingBuilder AddFlexZendeskLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Azure", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        return logging;
    }
}
