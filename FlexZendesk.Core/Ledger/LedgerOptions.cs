using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Ledger;

/// <summary>Settings under <c>Ledger:</c>: the Azure Tables that make effects exactly-once.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>Tables are <c>{prefix}Tasks</c> and <c>{prefix}Requesters</c> in <c>AzureWebJobsStorage</c>.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,40}$", ErrorMessage = "Ledger:TablePrefix must be 3-41 letters and digits, starting with a letter.")]
    public string TablePrefix { get; set; } = "FlexZendesk";

    /// <summary>How long another worker's claim on a ticket creation or note is trusted before it is taken over as abandoned.</summary>
    public int ClaimTimeoutSeconds { get; set; } = 60;
}

public sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    private readonly LedgerOptionsDataValidator _data = new();

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_data.Validate(name, options));
        if (options.ClaimTimeoutSeconds is < 5 or > 3600)
        {
            builder.AddError("Ledger:ClaimTimeoutSeconds must be between 5 and 3600.");
        }

        return builder.Build();
    }
}

[OptionsValidator]
internal sealed partial class LedgerOptionsDataValidator : IValidateOptions<LedgerOptions>;
