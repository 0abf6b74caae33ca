// The website tracking snippet, served at GET /t/snippet.js. Kept as a string so it ships without a build
// step; no dependencies, well under 2 kB. It reports each page view (URL, title, referrer) to /t/v with
// the tracking host's cookies (credentials: 'include'), and puts the visitor id into forms marked
// data-mt-form so a submission links this browser's earlier visits to the contact even without cookies.
// text/plain keeps the request "simple" (no CORS preflight).
export const SNIPPET_JS = `(function(){
var s=document.currentScript;if(!s)return;
var base=new URL(s.src).origin,acc=s.getAttribute('data-account');
function fill(id){var f=document.querySelectorAll('form[data-mt-form]');for(var i=0;i<f.length;i++){var x=f[i].querySelector('input[name=visitor_id]');if(!x){x=document.createElement('input');x.type='hidden';x.name='visitor_id';f[i].appendChild(x)}x.value=id}}
function visit(){return fetch(base+'/t/v',{method:'POST',credentials:'include',keepalive:true,headers:{'content-type':'text/plain'},body:JSON.stringify({account:acc,url:location.href,title:document.title,referrer:document.referrer||null})}).then(function(r){return r.json()}).then(function(b){if(b.visitorId){window.mtVisitorId=b.visitorId;fill(b.visitorId)}return b}).catch(function(){})}
window.mtTrack={visit:visit};
if(!window.mtNoAutoVisit)visit();
})();
`
