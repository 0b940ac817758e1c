// A mocha --require hook: the official paydunya package's own tests call https://app.paydunya.com;
// this sends those requests to Tollgate over plain HTTP instead (spec paydunya.md §7.3). Nothing else changes.
const http = require('node:http');
const https = require('node:https');

const target = new URL(process.env.TOLLGATE_URL);
const original = https.request;
https.request = function request(options, ...rest) {
  if (options && typeof options === 'object' && options.host === 'app.paydunya.com') {
    const { ca, agent, ...plain } = options;
    return http.request({ ...plain, host: target.hostname, port: Number(target.port) }, ...rest);
  }
  return original.call(this, options, ...rest);
};
