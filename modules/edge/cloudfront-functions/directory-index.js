// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the forms distribution.
// S3 origins have no directory index: CloudFront's default root object applies only to "/".
// So a published form's path /forms/<slug>/ is rewritten to the object /forms/<slug>/index.html,
// and /forms/<slug> (no trailing slash, no file extension) is redirected to /forms/<slug>/ so that
// each page has one address (and one cache entry). Paths naming a file are left alone.
// Plain ES5.1-compatible syntax: this file is the function's code as deployed, and Jest runs it
// (__tests__/edge/directory-index.test.ts).
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.charAt(uri.length - 1) === "/") {
    request.uri = uri + "index.html";
    return request;
  }
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    var query = [];
    var qs = request.querystring || {};
    for (var name in qs) {
      var entry = qs[name];
      var values = entry.multiValue ? entry.multiValue : [entry];
      for (var i = 0; i < values.length; i++) {
        // CloudFront hands query values over as they arrived (still encoded): passed on unchanged.
        query.push(name + (values[i].value === "" ? "" : "=" + values[i].value));
      }
    }
    return {
      statusCode: 301,
      statusDescription: "Moved Permanently",
      headers: {
        location: { value: uri + "/" + (query.length ? "?" + query.join("&") : "") },
        "cache-control": { value: "public, max-age=3600" },
      },
    };
  }
  return request;
}
