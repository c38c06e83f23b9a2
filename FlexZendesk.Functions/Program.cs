using FlexZendesk.Functions.Gates;
using FlexZendesk.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

// The Functions host's worker (dotnet-isolated). Without a host, FlexZendesk.Standalone serves the same functions.
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<GateMiddleware>();
builder.Logging.AddFlexZendeskLogging(builder.Configuration);
builder.Services.AddFlexZendesk(builder.Configuration);

builder.Build().Run();
