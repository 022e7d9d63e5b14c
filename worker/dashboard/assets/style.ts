/** The dashboard's whole stylesheet, served at /assets/app.css. */
export const CSS = `
:root{--bg:#f6f7f9;--card:#fff;--border:#e3e6ea;--line:#eef0f3;--text:#1f2328;--muted:#656d76;--primary:#4f46e5;--primary-h:#4338ca;--danger:#cf222e;--nav:#111827}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",Helvetica,Arial,sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--primary);text-decoration:none}a:hover{text-decoration:underline}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.muted{color:var(--muted)}.small{font-size:12px}.nowrap{white-space:nowrap}.num{text-align:right;white-space:nowrap}
.topbar{background:var(--nav);color:#fff}
.inner{max-width:1240px;margin:0 auto;padding:0 24px}
.topbar .inner{display:flex;align-items:center;gap:20px;height:56px}
.brand{font-weight:650;font-size:16px;color:#fff;display:flex;align-items:center;gap:8px;white-space:nowrap}
.brand:hover{text-decoration:none}
.logo{width:24px;height:24px;border-radius:6px;background:linear-gradient(135deg,#6366f1,#0ea5e9);display:inline-block}
.nav{display:flex;gap:2px;flex:1;min-width:0;overflow-x:auto}
.nav a{color:#cbd2dc;padding:6px 10px;border-radius:6px;white-space:nowrap}
.nav a:hover{background:#1f2937;color:#fff;text-decoration:none}
.nav a.active{background:#374151;color:#fff}
.tools{display:flex;align-items:center;gap:10px;font-size:13px;color:#9ca3af;white-space:nowrap}
.switch{display:inline-flex;border:1px solid #374151;border-radius:6px;overflow:hidden}
.switch a{color:#9ca3af;padding:2px 8px;font-size:12px}.switch a:hover{text-decoration:none;color:#fff}
.switch a.on{background:#374151;color:#fff}
.who{color:#e5e7eb;display:inline-flex;align-items:center;gap:6px}
.linkbtn{background:none;border:0;color:#cbd2dc;font:inherit;cursor:pointer;padding:4px 6px;border-radius:6px}
.linkbtn:hover{background:#1f2937;color:#fff}
.subnav{background:#fff;border-bottom:1px solid var(--border)}
.subnav .inner{display:flex;align-items:center;gap:18px;height:44px;overflow-x:auto}
.subnav .label{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
.subnav a{color:var(--muted);padding:11px 2px;border-bottom:2px solid transparent;white-space:nowrap}
.subnav a:hover{color:var(--text);text-decoration:none}
.subnav a.active{color:var(--text);border-color:var(--primary);font-weight:500}
main{max-width:1240px;margin:0 auto;padding:28px 24px 56px}
.page-head{display:flex;justify-content:space-between;align-items:center;gap:16px;margin-bottom:20px}
h1{font-size:22px;line-height:1.3;margin:0 0 4px;font-weight:650}
.sub{color:var(--muted);margin:0;max-width:760px}
.grid{display:grid;gap:16px;margin-bottom:16px}
.cols-4{grid-template-columns:repeat(4,minmax(0,1fr))}.cols-2{grid-template-columns:repeat(2,minmax(0,1fr))}.cols-3{grid-template-columns:repeat(3,minmax(0,1fr))}
.span-2{grid-column:span 2}
@media (max-width:960px){.cols-4,.cols-3{grid-template-columns:repeat(2,minmax(0,1fr))}.cols-2{grid-template-columns:1fr}.span-2{grid-column:auto}}
.card{background:var(--card);border:1px solid var(--border);border-radius:10px;padding:18px 20px;margin-bottom:16px;min-width:0}
.grid>.card{margin-bottom:0}
.card-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;margin-bottom:12px}
.card h2{font-size:15px;margin:0;font-weight:600}
.card .hint{color:var(--muted);font-size:12px}
.stat .label{color:var(--muted);font-size:13px}
.stat .value{font-size:26px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.stat .hint{color:var(--muted);font-size:12px;margin-top:2px}
.flush{padding:0;overflow:hidden}
.flush>.card-head{padding:16px 20px 0}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;padding:9px 12px;border-bottom:1px solid var(--border);background:#f9fafb;white-space:nowrap}
td{padding:10px 12px;border-bottom:1px solid var(--line);vertical-align:middle}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover td{background:#fafbfd}
th.num{text-align:right}
.empty{padding:28px 20px;text-align:center;color:var(--muted)}
.empty .sub{margin:0 auto}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:500;white-space:nowrap;line-height:18px}
.b-green{background:#dafbe1;color:#116329}.b-gray{background:#eef0f2;color:#57606a}.b-red{background:#ffebe9;color:#c21c2c}
.b-amber{background:#fff4d1;color:#8a5a00}.b-blue{background:#ddf4ff;color:#0969da}.b-violet{background:#ede9fe;color:#5b21b6}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;vertical-align:1px}
.d-green{background:#1a7f37}.d-red{background:#cf222e}.d-amber{background:#d4a72c}.d-gray{background:#8c959f}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;padding:6px 12px;border-radius:6px;border:1px solid #d0d7de;background:#fff;color:var(--text);font:inherit;font-weight:500;cursor:pointer;line-height:20px;white-space:nowrap}
.btn:hover{background:#f3f4f6;text-decoration:none}
.btn:disabled{opacity:.6;cursor:default}
.btn-primary{background:var(--primary);border-color:var(--primary);color:#fff}.btn-primary:hover{background:var(--primary-h)}
.btn-danger{color:var(--danger)}.btn-danger:hover{background:#ffebe9;border-color:#ffcecb}
.btn-sm{padding:2px 8px;font-size:12px;line-height:18px}
.btn-block{width:100%}
.actions{display:flex;gap:6px;flex-wrap:wrap;align-items:center}
input,select,textarea{font:inherit;padding:7px 10px;border:1px solid #d0d7de;border-radius:6px;background:#fff;color:var(--text);width:100%}
textarea{min-height:64px;resize:vertical}
input:focus,select:focus,textarea:focus{outline:3px solid #e0e7ff;border-color:var(--primary)}
input[type=checkbox]{width:auto}
label.field{display:block;margin-bottom:14px}
label.field>span{display:block;font-weight:500;margin-bottom:4px}
label.field small{display:block;color:var(--muted);margin-top:3px;font-size:12px}
.row2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.checks{display:flex;flex-wrap:wrap;gap:8px 18px;margin-bottom:14px}
.checks label{display:inline-flex;gap:6px;align-items:center}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-end;padding:16px 20px;border-bottom:1px solid var(--border)}
.filters label{display:flex;flex-direction:column;gap:4px;font-size:12px;color:var(--muted);width:170px}
.filters .grow{flex:1}
.pager{display:flex;justify-content:space-between;align-items:center;padding:12px 20px;border-top:1px solid var(--border);color:var(--muted);font-size:13px}
dialog{border:0;border-radius:12px;padding:0;width:min(560px,94vw);box-shadow:0 24px 60px rgba(15,23,42,.28);color:var(--text)}
dialog::backdrop{background:rgba(15,23,42,.45)}
.modal-head{padding:16px 20px;border-bottom:1px solid var(--border);font-weight:600;font-size:15px}
.modal-body{padding:18px 20px 6px;max-height:68vh;overflow:auto}
.modal-foot{padding:12px 20px;border-top:1px solid var(--border);display:flex;justify-content:flex-end;gap:8px;background:#f9fafb}
.form-error{color:var(--danger);font-size:13px;margin:0 0 10px}
.form-error:empty{display:none}
form[data-mode=edit] .only-create,form[data-mode=create] .only-edit{display:none}
.example{background:#0f172a;color:#e2e8f0;border-radius:8px;padding:10px 12px;overflow-x:auto;margin:6px 0 12px}.example code{font-size:12px;color:inherit}
.keybox{display:flex;gap:8px;align-items:center;background:#f6f8fa;border:1px solid var(--border);border-radius:8px;padding:10px 12px;margin:12px 0}
.keybox code{flex:1;word-break:break-all;font-size:13px}
.notice{padding:10px 12px;border-radius:8px;margin-bottom:14px;font-size:13px}
.n-warn{background:#fff8e1;border:1px solid #f5e0a3;color:#6b4a00}
.n-err{background:#ffebe9;border:1px solid #ffcecb;color:#a40e26}
.n-ok{background:#dafbe1;border:1px solid #aceebb;color:#116329}
.toast{position:fixed;right:20px;bottom:20px;max-width:420px;padding:10px 14px;border-radius:8px;background:#111827;color:#fff;box-shadow:0 10px 30px rgba(0,0,0,.2);font-size:13px;opacity:0;transform:translateY(8px);transition:all .2s;pointer-events:none;z-index:50}
.toast.show{opacity:1;transform:none}.toast.err{background:#a40e26}
.chart{width:100%;height:auto;display:block}
.chart .hit:hover{fill:rgba(79,70,229,.06)}
.legend{list-style:none;margin:10px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px}
.legend li{display:inline-flex;align-items:center;gap:6px}
.swatch{width:10px;height:10px;border-radius:2px;display:inline-block}
.legend-name{font-weight:500}
.tag{display:inline-block;background:#f1f3f5;border-radius:4px;padding:0 6px;font-size:12px;margin:1px 2px 1px 0;white-space:nowrap}
.kv{display:grid;grid-template-columns:140px 1fr;gap:8px 12px;margin:0}
.kv dt{color:var(--muted)}.kv dd{margin:0}
.login-wrap{min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;padding:24px;background:radial-gradient(1200px 600px at 50% -10%,#e0e7ff,transparent),var(--bg)}
.login-card{width:min(380px,100%);padding:28px}
.login-brand{display:flex;align-items:center;gap:10px;font-size:18px;font-weight:650;margin-bottom:18px}
.login-foot{margin-top:16px;display:flex;justify-content:space-between;font-size:13px;color:var(--muted);width:min(380px,100%)}
.login-foot .switch{border-color:#d0d7de}.login-foot .switch a{color:var(--muted)}.login-foot .switch a.on{background:#e5e7eb;color:var(--text)}
.cell-sub{color:var(--muted);font-size:12px}
.ed input{padding:5px 8px;min-width:70px}
.ed td{padding:6px 8px}
.right{text-align:right}
footer{max-width:1240px;margin:0 auto;padding:0 24px 28px;color:var(--muted);font-size:12px}
.order-no{font-size:22px;letter-spacing:.06em;font-weight:600;padding:4px 10px;border-radius:6px;background:var(--soft,rgba(99,102,241,.08))}
.order-no-wrap{display:inline-flex;align-items:center;gap:8px}
.quick-picks{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.quote{margin:10px 0 14px}
`;
