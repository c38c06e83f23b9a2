using FlexZendesk.Functions.Hosting;

FlexZendeskApp.Build(args).Run();
