using FlexZendesk.Standalone;

// The no-host runner: the same function classes the Functions host runs, served by Kestrel on ASPNETCORE_URLS.
StandaloneApp.Build(args).Run();
