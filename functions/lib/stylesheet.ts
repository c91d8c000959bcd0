/**
 * The one stylesheet of every page patients and staff see (patient pages, published forms,
 * form answers, the report). A separate file, never an inline <style>, so the strict content
 * security policy (`style-src 'self'`, no 'unsafe-inline') holds everywhere:
 *   - the public API serves it at STYLESHEET_PATH (campaign-web, `GET /assets/{file}`),
 *   - form-publish stores it beside the forms in S3 (key STYLESHEET_KEY), so CloudFront
 *     serves it at the same path on the forms host.
 * The path carries a hash of the content, so it can be cached for a year: a changed stylesheet
 * is a new path, and a page always names the version it was rendered with.
 *
 * Mobile first, for patients who may be elderly: 19 px text (never smaller than 16 px), high
 * contrast (every colour pair >= 7:1 on white except the green button, 5.9:1 with white),
 * tap targets of at least 48 px, a thick yellow focus ring, full-width buttons on phones.
 *
 * Class names (a small set; everything else is styled by element):
 *   lead          a larger first paragraph
 *   panel         a boxed block; with `panel-success` (a confirmation) or `error` (a problem)
 *   error         a problem the reader must act on (red bar; also on a form field's message)
 *   summary, appointment  a <dl> of key facts (the appointment: when, where), boxed
 *   choices       a list of large tappable radio/checkbox rows (<div class="choice"> each)
 *   choice        one row of `choices`: the input then its <label>
 *   actions       the paragraph holding a page's main button (space around it)
 *   secondary     on a button: a second, less prominent action (grey with a border)
 *   link-button   on a button: a form button that looks like a link (e.g. "stop messages")
 *   help, hint    hint text under a label, or after a choice's text
 *   <footer> (or site-footer)  the practice's contact details and the opt-out at the end of a page
 *   table-scroll  a container that lets a wide table scroll sideways on its own
 *   numeric       right-aligned table cells of numbers
 *   visually-hidden  text for screen readers only
 */
import { createHash } from "crypto";

export const STYLESHEET = `/* mediCARE patient pages */
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:1rem;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;background:#fff}
main,footer,.site-footer{max-width:40rem;margin:0 auto}
h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 1rem}
h2{font-size:1.375rem;line-height:1.25;margin:1.5rem 0 .75rem}
h3{font-size:1.1875rem;margin:1.25rem 0 .5rem}
p,ul,ol,dl{margin:0 0 1rem}
.lead{font-size:1.375rem}
a{color:#1d4f91;text-decoration:underline;text-underline-offset:.15em}
a:visited{color:#4c2c92}
a:hover{color:#0b0c0c}
a[href^="tel:"]{font-weight:700;white-space:nowrap}
:focus{outline:none}
:focus-visible,a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
a:focus{background:#ffdd00;color:#0b0c0c;box-shadow:0 4px #0b0c0c;text-decoration:none}
button,input,select,textarea{font:inherit;color:inherit}
button,.button{display:block;width:100%;min-height:3rem;margin:0 0 1rem;padding:.625rem 1rem;border:2px solid transparent;border-radius:4px;background:#00703c;color:#fff;font-weight:700;text-align:center;text-decoration:none;cursor:pointer;box-shadow:0 2px 0 #002d18}
button:hover{background:#005a30}
button:active{transform:translateY(2px);box-shadow:none}
button.secondary,.button.secondary{background:#f3f2f1;color:#0b0c0c;border-color:#0b0c0c;box-shadow:0 2px 0 #929191}
button.secondary:hover{background:#dbdad9}
button.link-button{display:inline;width:auto;min-width:0;min-height:1.5rem;margin:0;padding:0;border:0;background:none;color:#1d4f91;font-weight:400;text-align:left;text-decoration:underline;box-shadow:none}
button.link-button:hover{background:none;color:#0b0c0c}
.actions{margin:1.5rem 0}
.actions button{margin-bottom:0}
label{display:block;font-weight:700;margin-bottom:.25rem}
label+br,.help+br{display:none}
p:has(>input[type=checkbox]){display:flex;align-items:flex-start;gap:.75rem}
p:has(>input[type=checkbox])>label{margin:0;padding-top:.125rem}
input[type=text],input[type=email],input[type=tel],input[type=number],input[type=date],select,textarea{display:block;width:100%;min-height:3rem;padding:.5rem;border:2px solid #0b0c0c;border-radius:0;background:#fff}
textarea{min-height:8rem}
fieldset{margin:0 0 1.5rem;padding:0;border:0;min-width:0}
legend{font-weight:700;font-size:1.375rem;margin-bottom:.5rem;padding:0}
.help,.hint{display:block;color:#383f43;margin-bottom:.25rem}
.choice .hint{display:inline;margin:0}
.choices{margin:0 0 1.5rem;padding:0;list-style:none}
.choice,fieldset>p{position:relative;display:flex;align-items:center;gap:.75rem;min-height:3rem;margin:0 0 .5rem;padding:.5rem .75rem;border:2px solid #505a5f;border-radius:4px;background:#fff}
.choice input,fieldset>p>input{flex:none;width:1.75rem;height:1.75rem;margin:0;accent-color:#00703c}
.choice label,fieldset>p>label{flex:1;margin:0;font-weight:400;padding:.25rem 0;cursor:pointer}
.choice:has(input:checked),fieldset>p:has(input:checked){border-color:#00703c;background:#e6f2ec;box-shadow:inset 0 0 0 2px #00703c}
input[type=checkbox],input[type=radio]{width:1.75rem;height:1.75rem;accent-color:#00703c;vertical-align:middle}
.panel{margin:0 0 1.5rem;padding:1rem;border:3px solid #0b0c0c}
.panel-success{border-color:#00703c;background:#e6f2ec}
.error{margin:0 0 1.5rem;padding:.75rem 1rem;border-left:6px solid #d4351c;background:#fdf3f2}
.summary,.appointment{display:grid;grid-template-columns:1fr;gap:.25rem;margin:0 0 1.5rem;padding:1rem;border-left:6px solid #00703c;background:#f3f2f1}
.summary dt,.appointment dt{font-weight:700}
.summary dd,.appointment dd{margin:0 0 .75rem}
footer,.site-footer{margin-top:2rem;padding-top:1rem;border-top:2px solid #b1b4b6;font-size:1.0625rem}
footer p{margin-bottom:.5rem}
.table-scroll{max-width:100%;overflow-x:auto;margin:0 0 1.5rem}
.table-scroll table{margin:0}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem;font-size:1.0625rem}
caption{font-weight:700;text-align:left;padding:.5rem 0}
th,td{border-bottom:1px solid #b1b4b6;padding:.5rem .5rem .5rem 0;text-align:left;vertical-align:top}
.numeric{text-align:right;font-variant-numeric:tabular-nums}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
@media (min-width:40.0625em){
body{padding:2rem 1.5rem}
h1{font-size:2.25rem}
button,.button{display:inline-block;width:auto;min-width:12rem}
.summary,.appointment{grid-template-columns:10rem 1fr}
.summary dd,.appointment dd{margin:0}
}
@media (forced-colors:active){button,.choice,.panel{border:2px solid ButtonText}}
@media print{footer,.site-footer,button{display:none}body{font-size:12pt}}
`;

const HASH = createHash("sha256").update(STYLESHEET).digest("hex").slice(0, 16);

/** The file name: content-addressed, so a year of caching is safe. */
export const STYLESHEET_FILE = `site-${HASH}.css`;
/** Where pages link it: the same path on the API host and on the forms (CloudFront) host. */
export const STYLESHEET_PATH = `/assets/${STYLESHEET_FILE}`;
/** Its S3 key beside the published forms (CloudFront maps `/assets/...` to the key `assets/...`). */
export const STYLESHEET_KEY = STYLESHEET_PATH.slice(1);
export const STYLESHEET_CONTENT_TYPE = "text/css; charset=utf-8";
/** It never changes at this path. */
export const STYLESHEET_CACHE_CONTROL = "public, max-age=31536000, immutable";
