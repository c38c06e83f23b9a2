using FlexZendesk.Functions.Gates;
using FlexZendesk.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

// The Functions host's worker (dotnet-isolated). Without a host, FlexZendesk.Standalone serves the same functions.
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<GateMiddleware>();
builder.Logging.AddFlexZendeskLogging(builder.Configuration);
// With APPLICATIONINSIGHTS_CONNECTION_STRING, the worker's spans continue the host's invocation trace.
builder.Services.AddFlexZendesk(builder.Configuration, telemetry => telemetry.UseFunctionsWorkerDefaults());

builder.Build().Run();
