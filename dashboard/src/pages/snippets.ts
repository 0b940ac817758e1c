/**
 * Ready code that points each official SDK at this gateway, per /work/shared/specs (each SDK's own hook:
 * Node's mutable constants, Python's class attributes, PHP's pre-declared class, Java's HttpClient, …).
 * Keys appear only when the page has them (just created); otherwise placeholders.
 */
export interface SnippetKeys {
  zwId: number;
  zwKey?: string;
  plApiKey?: string;
  plSignatureKey?: string;
  pdMaster?: string;
  pdPrivate?: string;
  pdToken?: string;
}

export interface Snippet {
  gateway: string;
  language: string;
  code: string;
}

export function snippets(base: string, k: SnippetKeys): Snippet[] {
  const zwKey = k.zwKey ?? 'YOUR_INTEGRATION_KEY';
  const plApi = k.plApiKey ?? 'YOUR_SANDBOX_API_KEY';
  const plSig = k.plSignatureKey ?? 'YOUR_SANDBOX_SIGNATURE_KEY';
  const pdMaster = k.pdMaster ?? 'YOUR_MASTER_KEY';
  const pdPrivate = k.pdPrivate ?? 'test_private_YOUR_KEY';
  const pdToken = k.pdToken ?? 'YOUR_TOKEN';
  const host = base.replace(/\/$/, '');
  return [
    {
      gateway: 'Paynow Zimbabwe',
      language: 'Node.js (npm paynow)',
      code: `// Before the first request: the SDK reads these constants at call time.
const C = require('paynow/dist/constants');
C.URL_INITIATE_TRANSACTION = '${host}/interface/initiatetransaction';
C.URL_INITIATE_MOBILE_TRANSACTION = '${host}/interface/remotetransaction';

const { Paynow } = require('paynow');
const paynow = new Paynow('${k.zwId}', '${zwKey}');
paynow.resultUrl = 'https://example.com/paynow/result';
paynow.returnUrl = 'https://example.com/return';`,
    },
    {
      gateway: 'Paynow Zimbabwe',
      language: 'Python (pip paynow)',
      code: `from paynow import Paynow

Paynow.URL_INITIATE_TRANSACTION = "${host}/interface/initiatetransaction"
Paynow.URL_INITIATE_MOBILE_TRANSACTION = "${host}/interface/remotetransaction"

# Note the order: return URL before result URL.
paynow = Paynow("${k.zwId}", "${zwKey}", "https://example.com/return", "https://example.com/paynow/result")`,
    },
    {
      gateway: 'Paynow Zimbabwe',
      language: 'PHP (composer paynow/php-sdk)',
      code: `<?php
// Declared before the autoloader loads the SDK's own Constants class.
namespace Paynow\\Core {
    class Constants {
        const URL_INITIATE_TRANSACTION = '${host}/interface/initiatetransaction';
        const URL_INITIATE_MOBILE_TRANSACTION = '${host}/interface/remotetransaction';
        const RESPONSE_OK = 'ok';
        const RESPONSE_PAID = 'paid';
        const RESPONSE_ERROR = 'error';
        const RESPONSE_ERROR_CANCELLED = 'cancelled';
        const RESPONSE_AWAITING_REDIRECT = 'awaiting redirect';
    }
}
namespace {
    require 'vendor/autoload.php';
    $paynow = new Paynow\\Payments\\Paynow('${k.zwId}', '${zwKey}', 'https://example.com/return', 'https://example.com/paynow/result');
}`,
    },
    {
      gateway: 'Paynow Zimbabwe',
      language: 'Java (zw.co.paynow:java-sdk)',
      code: `Paynow paynow = new Paynow("${k.zwId}", "${zwKey}");
// The SDK's URLs are compile-time constants: rewrite them in its HTTP client.
paynow.setHttpHttpClient(new HttpClient() {
    @Override
    public String postAsync(String url, HashMap<String, String> data) throws IOException {
        return super.postAsync(url.replace("https://www.paynow.co.zw", "${host}"), data);
    }
});`,
    },
    {
      gateway: 'Paynow.pl',
      language: 'PHP (pay-now/paynow-php-sdk)',
      code: `<?php
require 'vendor/autoload.php';

// The SDK has no URL setter: a Configuration whose getUrl() answers this gateway.
class TollgateConfiguration extends Paynow\\Configuration {
    public function getUrl(): string { return '${host}'; }
}

$client = new Paynow\\Client('${plApi}', '${plSig}', Paynow\\Environment::SANDBOX);
$config = new TollgateConfiguration();
$config->setApiKey('${plApi}');
$config->setSignatureKey('${plSig}');
$config->setEnvironment(Paynow\\Environment::SANDBOX);
$client->setHttpClient(new Paynow\\HttpClient\\HttpClient($config));`,
    },
    {
      gateway: 'PayDunya',
      language: 'Node.js (npm paydunya)',
      code: `const paydunya = require('paydunya');
const setup = new paydunya.Setup({
  masterKey: '${pdMaster}',
  privateKey: '${pdPrivate}',
  token: '${pdToken}',
  mode: 'test',
});
// Before any invoice object is built: they copy the base URL when constructed.
setup.baseURL = '${host}/sandbox-api/v1';
const store = new paydunya.Store({ name: 'My shop' });
const invoice = new paydunya.CheckoutInvoice(setup, store);`,
    },
    {
      gateway: 'PayDunya',
      language: 'Python (pip paydunya)',
      code: `import paydunya

paydunya.debug = True  # test mode
paydunya.api_keys = {
    "PAYDUNYA-MASTER-KEY": "${pdMaster}",
    "PAYDUNYA-PRIVATE-KEY": "${pdPrivate}",
    "PAYDUNYA-TOKEN": "${pdToken}",
}
# Keep the trailing slash.
paydunya.SANDBOX_ENDPOINT = "${host}/sandbox-api/v1/"`,
    },
    {
      gateway: 'PayDunya',
      language: 'PHP (paydunya/paydunya-php)',
      code: `# The SDK's base URL is a class constant: point the vendored copy at this gateway once.
sed -i "s#https://app.paydunya.com#${host}#" vendor/paydunya/paydunya-php/src/Paydunya/Setup.php

<?php
\\Paydunya\\Setup::setMasterKey('${pdMaster}');
\\Paydunya\\Setup::setPrivateKey('${pdPrivate}');
\\Paydunya\\Setup::setToken('${pdToken}');
\\Paydunya\\Setup::setMode('test');`,
    },
  ];
}
