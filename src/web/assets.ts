/**
 * @module web/assets
 * The UI's one stylesheet and one script, served from /assets so the Content-Security-Policy can
 * forbid inline code. Mobile first: readable at 375 px without horizontal scrolling.
 */

export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.7 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#fafafa;overflow-wrap:anywhere}
a{color:#0b57d0}
header.top{background:#1f2937;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
header.top a{color:#fff;text-decoration:none}
header.top .brand{font-weight:700;margin-right:auto}
main{max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.3}
h2{font-size:1.25rem;line-height:1.35;margin-top:1.6em}
h3{font-size:1.1rem}
form.search{display:flex;gap:.5rem;margin:1rem 0}
input[type=search],input[type=text],textarea{width:100%;min-width:0;font:inherit;padding:.5rem;border:1px solid #c4c8cf;border-radius:6px;background:#fff}
textarea{min-height:8rem}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:6px;background:#0b57d0;color:#fff;cursor:pointer;white-space:nowrap}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
label.check{font-weight:400;display:flex;gap:.5rem;align-items:center}
input[type=file]{max-width:100%}
ol.hits{list-style:none;padding:0}
ol.hits li{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:.75rem;margin:.75rem 0}
.meta{color:#59636e;font-size:.875rem}
mark{background:#fff3a3;padding:0 .1em}
mark.support{display:block;white-space:pre-wrap;padding:.5rem;border-left:4px solid #e0b400}
.pager{display:flex;justify-content:space-between;gap:1rem}
.chunk{border-top:1px dashed #d0d4da;padding-top:.25rem}
.chunk.hl{background:#fffbe0;border-left:4px solid #e0b400;padding-left:.5rem}
.chunk-no{font-size:.75rem;color:#59636e}
.article img{max-width:100%;height:auto}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.75rem 0}
th,td{border:1px solid #d0d4da;padding:.25rem .5rem;vertical-align:top}
pre{overflow-x:auto;max-width:100%;background:#f1f3f5;padding:.5rem}
.report figure{margin:1rem 0}
.report img{max-width:100%;height:auto}
a.cite{font-size:.8rem;text-decoration:none;border:1px solid #b6c8f0;border-radius:4px;padding:0 .25em;margin:0 .1em;white-space:normal;background:#eef3fd}
a.cite.flag{border-color:#d93025;background:#fde8e6;color:#a50e0e}
.flag-label{font-weight:700;color:#a50e0e}
.badge{display:inline-block;border-radius:4px;padding:0 .4em;font-size:.8rem;background:#e3e5e8}
.badge.done,.badge.supported{background:#d7f5dd}
.badge.failed,.badge.unsupported,.badge.unresolved{background:#fde8e6;color:#a50e0e}
.badge.running,.badge.queued{background:#fff3c4}
ul.events{padding-left:1.2rem}
progress{width:100%}
.context{color:#59636e;white-space:pre-wrap}
.check{display:grid;grid-template-columns:auto 1fr;gap:.1rem 1rem}
.digest-item{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:.75rem;margin:1rem 0}
blockquote{margin:.5rem 0;padding:0 .75rem;border-left:4px solid #d0d4da;color:#424a53}
.error{background:#fde8e6;border:1px solid #f4b4ae;border-radius:8px;padding:.75rem}
`;

/** Progress over server-sent events; the page reloads when the task finishes. */
export const SCRIPT = `
(function(){
  var el=document.querySelector('[data-task-events]');
  if(!el||!window.EventSource)return;
  var list=document.getElementById('events'),bar=document.getElementById('bar');
  var source=new EventSource(el.getAttribute('data-task-events'));
  source.addEventListener('progress',function(e){
    var ev=JSON.parse(e.data);
    var li=document.createElement('li');li.textContent=ev.message;list.appendChild(li);
    if(bar&&ev.total){bar.max=ev.total;bar.value=ev.done||0;}
  });
  source.addEventListener('end',function(){source.close();location.reload();});
})();
`;
