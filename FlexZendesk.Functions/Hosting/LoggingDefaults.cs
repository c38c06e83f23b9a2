namespace FlexZendesk.Functions.Hosting;

public static class LoggingDefaults
{
    /// <summary>
    /// Per-request framework logs are noise at Information, and the Functions host starts us in the function app
    /// root where no appsettings.json is, so the defaults live here. Logging:LogLevel settings still override.
    /// </summary>
    public static WebApplicationBuilder UseFlexZendeskLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        return builder;
    }
}
