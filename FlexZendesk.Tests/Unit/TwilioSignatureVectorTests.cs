using System.Text;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Sandbox;

namespace FlexZendesk.UnitTests;

/// <summary>
/// The vectors published in the Twilio SDKs' own RequestValidator test suites (csharp, python), against the app's
/// validator (the Twilio SDK's RequestValidator) and the independent signer the tests and tools send with.
/// </summary>
[Category("Unit")]
public sealed class TwilioSignatureVectorTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string JsonBody = "{\"property\": \"value\", \"boolean\": true}";
    private static readonly TwilioWebhookValidator Validator = new("12345");
    private static readonly TwilioWebhookSigner Signer = new("12345");

    // Deliberately out of order: the validator must sort.
    private static readonly KeyValuePair<string, string>[] Parameters =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("From", "+14158675309"),
        new("Digits", "1234"),
        new("To", "+18005551212"),
        new("Caller", "+14158675309"),
    ];

    [Test]
    public void ComputesThePublishedSignature() =>
        Assert.That(Signer.Sign(Url, Parameters), Is.EqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Test]
    public void AcceptsThePublishedSignature() =>
        Assert.That(Validator.IsValid(Url, Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.True);

    [Test]
    public void RejectsAnAlteredSignature() =>
        Assert.That(Validator.IsValid(Url, Parameters, "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);

    [TestCase("From", "+14158675300")]
    [TestCase("Digits", "1235")]
    [TestCase("Extra", "1")]
    public void RejectsTamperedParameters(string key, string value)
    {
        var tampered = Parameters.Where(p => p.Key != key).Append(new(key, value)).ToList();
        Assert.That(Validator.IsValid(Url, tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
    }

    [Test]
    public void RejectsATamperedUrl() =>
        Assert.That(Validator.IsValid(Url.Replace("foo=1", "foo=2", StringComparison.Ordinal), Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);

    [Test]
    public void RejectsAnotherAuthToken() =>
        Assert.That(new TwilioWebhookValidator("54321").IsValid(Url, Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not base64 at all!")]
    [TestCase("AAAA")]
    public void RejectsMissingOrMalformedSignatures(string? signature) =>
        Assert.That(Validator.IsValid(Url, Parameters, signature), Is.False);

    [Test]
    public void SortsDuplicateKeysByValue()
    {
        KeyValuePair<string, string>[] duplicates = [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234")];
        Assert.Multiple(() =>
        {
            Assert.That(Signer.Sign(Url, duplicates), Is.EqualTo("IK+Dwps556ElfBT0I3Rgjkr1wJU="));
            Assert.That(Validator.IsValid(Url, duplicates, "IK+Dwps556ElfBT0I3Rgjkr1wJU="), Is.True);
            Assert.That(Validator.IsValid(Url, duplicates.SkipLast(1), "IK+Dwps556ElfBT0I3Rgjkr1wJU="), Is.False);
        });
    }

    [Test]
    public void AcceptsASignatureMadeWithoutTheDefaultPortTheUrlHas() =>
        Assert.That(Validator.IsValid(Url.Replace(".com", ".com:443", StringComparison.Ordinal), Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.True);

    [Test]
    public void AcceptsASignatureMadeWithTheDefaultPortTheUrlHas() =>
        Assert.That(Validator.IsValid(Url.Replace(".com", ".com:443", StringComparison.Ordinal), Parameters, "kvajT1Ptam85bY51eRf/AJRuM3w="), Is.True);

    [Test]
    public void AcceptsASignatureMadeWithTheHttpsDefaultPort() =>
        Assert.That(Validator.IsValid(Url, Parameters, "kvajT1Ptam85bY51eRf/AJRuM3w="), Is.True);

    [Test]
    public void AcceptsASignatureMadeWithTheHttpDefaultPort() =>
        Assert.That(Validator.IsValid(Url.Replace("https", "http", StringComparison.Ordinal), Parameters, "0ZXoZLH/DfblKGATFgpif+LLRf4="), Is.True);

    [Test]
    public void AcceptsASignatureMadeWithoutThePortTheUrlHas() =>
        Assert.That(Validator.IsValid(Url.Replace(".com", ".com:1234", StringComparison.Ordinal), Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.True);

    [Test]
    public void AcceptsASignatureMadeWithTheExplicitPort()
    {
        var url = Url.Replace(".com", ".com:1234", StringComparison.Ordinal).Replace("https", "http", StringComparison.Ordinal);
        Assert.That(Validator.IsValid(url, Parameters, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="), Is.True);
    }

    [Test]
    public void IgnoresTheFragment() =>
        Assert.That(Validator.IsValid(Url + "#section", Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.True);

    [Test]
    public void HashesTheBodyAsPublished()
    {
        var hash = TwilioWebhookSigner.BodyHash(Encoding.UTF8.GetBytes(JsonBody));
        Assert.Multiple(() =>
        {
            Assert.That(hash, Is.EqualTo("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
            // twilio-csharp publishes the same digest in Base64.
            Assert.That(Convert.ToBase64String(Convert.FromHexString(hash)), Is.EqualTo("Ch/3Y02as7ldtcmi3+lBbkFQKyg6gMfPGWMmMvluZiA="));
        });
    }

    [Test]
    public void AcceptsThePublishedJsonBodyVector()
    {
        const string url = Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        Assert.That(Validator.IsValidJson(url, JsonBody, "a9nBmqA0ju/hNViExpshrM61xv4="), Is.True);
    }

    [Test]
    public void RejectsAJsonBodyThatDoesNotMatchItsHash()
    {
        const string url = Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        var tampered = JsonBody.Replace("true", "false", StringComparison.Ordinal);
        Assert.That(Validator.IsValidJson(url, tampered, "a9nBmqA0ju/hNViExpshrM61xv4="), Is.False);
    }

    [Test]
    public void RejectsAJsonBodyWithoutBodySha256() =>
        Assert.That(Validator.IsValidJson(Url, JsonBody, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Is.False);
}
