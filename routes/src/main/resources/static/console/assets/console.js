// Where Bootstrap Italia loads its fonts from, and the CSRF header htmx sends with every change (no inline script:
// the console's Content-Security-Policy allows scripts of its own origin only).
window.__PUBLIC_PATH__ = '/console/vendor/bootstrap-italia/fonts';
document.addEventListener('DOMContentLoaded', function () {
  if (window.bootstrap && window.bootstrap.loadFonts) window.bootstrap.loadFonts();
  var token = document.querySelector('meta[name="_csrf"]');
  var header = document.querySelector('meta[name="_csrf_header"]');
  document.body.addEventListener('htmx:configRequest', function (e) {
    if (token && header) e.detail.headers[header.content] = token.content;
  });
  var chart = document.getElementById('grafico-mesi');
  if (chart && window.echarts) {
    var rows = JSON.parse(chart.getAttribute('data-righe') || '[]');
    var c = window.echarts.init(chart, null, {renderer: 'svg'});
    c.setOption({
      aria: {enabled: true},
      tooltip: {trigger: 'axis'},
      legend: {data: ['Ricevute', 'Concluse', 'Aperte']},
      xAxis: {type: 'category', data: rows.map(function (r) { return r.gruppo; })},
      yAxis: {type: 'value', minInterval: 1},
      series: [
        {name: 'Ricevute', type: 'bar', data: rows.map(function (r) { return r.ricevute; })},
        {name: 'Concluse', type: 'bar', data: rows.map(function (r) { return r.concluse; })},
        {name: 'Aperte', type: 'bar', data: rows.map(function (r) { return r.aperte; })}
      ]
    });
  }
  var seguito = document.getElementById('risolto');
  if (seguito) {
    var toggle = function () {
      document.querySelectorAll('.solo-seguito').forEach(function (el) { el.hidden = seguito.checked; });
    };
    seguito.addEventListener('change', toggle);
    toggle();
  }
});
