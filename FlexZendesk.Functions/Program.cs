using FlexZendesk.Functions.Admin;
using FlexZendesk.Functions.Errors;
using FlexZendesk.Functions.Flex;
using FlexZendesk.Functions.Health;
using FlexZendesk.Functions.Hosting;
using FlexZendesk.Functions.Queues;
using FlexZendesk.Functions.Studio;
using FlexZendesk.Functions.TaskRouter;

// No reload-on-change: the Functions host restarts the handler when settings change, and the watcher it would set up
// walks the whole working directory at start (measured: most of the start-up time from a checkout; docs/benchmarks.md).
var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

builder.UseCustomHandlerPort();
builder.UseFlexZendeskLogging();
builder.UseFlexZendeskTelemetry();
builder.Services.AddFlexZendeskSettings();
builder.Services.AddFlexZendeskIngress();
builder.Services.AddFlexZendeskProcessing();
builder.Services.AddFlexZendeskProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHostReadiness();
app.MapHealthApi();
app.MapTaskRouterApi();
app.MapStudioApi();
app.MapStudioLookupApi();
app.MapFlexPluginApi();
app.MapPoisonApi();
app.MapQueueFunctions();

app.Run();

/// <summary>Entry point; public so the tests can host it with WebApplicationFactory.</summary>
public partial class Program;
