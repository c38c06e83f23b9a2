namespace FlexZendesk.Functions.Errors;

public static class ProblemDetailsRegistration
{
    public static IServiceCollection AddFlexZendeskProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton<ExceptionProblems>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        return services;
    }
}
