// The check-in desk's QR reading: the camera's frames or a chosen photo are decoded in the
// browser by jsQR (served from this site, so it works offline), and the code found is sent
// with the desk's code form (htmx shows the participant). Loaded by the desk page; a page
// swapped in by htmx runs this file again, hence the guard.
"use strict";
(function () {
  if (window.ketnoiDesk) { return; }
  window.ketnoiDesk = true;
  var MAX_SIDE = 1280; // a phone photo is scaled down: jsQR needs no more, and is quicker
  var LOOK_EVERY = 150; // ms between two frames decoded: quick enough, and spares a phone
  var camera = null; // {stream, frame} while the camera is on

  function box() { return document.querySelector("[data-scan]"); }
  function say(text) {
    var status = document.querySelector("[data-scan-status]");
    if (status) { status.textContent = text; }
  }

  function decode(source, width, height) {
    var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(pixels.data, pixels.width, pixels.height);
    return found && found.data ? found.data : null;
  }

  function send(code) {
    var field = document.querySelector("[data-scan-code]");
    if (!field) { return; }
    field.value = code;
    say("");
    field.form.requestSubmit();
  }

  function stopCamera() {
    if (camera) {
      clearTimeout(camera.frame);
      camera.stream.getTracks().forEach(function (track) { track.stop(); });
      camera = null;
    }
    var video = document.querySelector("[data-scan-video]");
    var stop = document.querySelector("[data-scan-stop]");
    if (video) { video.hidden = true; video.srcObject = null; }
    if (stop) { stop.hidden = true; }
  }

  function startCamera() {
    var here = box();
    var video = document.querySelector("[data-scan-video]");
    if (!here || !video) { return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(here.dataset.nocamera);
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        stopCamera();
        camera = { stream: stream, frame: 0 };
        video.srcObject = stream;
        video.hidden = false;
        document.querySelector("[data-scan-stop]").hidden = false;
        say(here.dataset.looking);
        return video.play().then(function () {
          function look() {
            if (!camera) { return; }
            if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
              var code = decode(video, video.videoWidth, video.videoHeight);
              if (code) { stopCamera(); send(code); return; }
            }
            camera.frame = setTimeout(look, LOOK_EVERY);
          }
          look();
        });
      })
      .catch(function () { stopCamera(); say(here.dataset.nocamera); });
  }

  function readPhoto(input) {
    var here = box();
    var file = input.files && input.files[0];
    if (!here || !file) { return; }
    say(here.dataset.reading);
    createImageBitmap(file)
      .then(function (image) {
        var code = decode(image, image.width, image.height);
        if (image.close) { image.close(); }
        input.value = "";
        if (code) { send(code); } else { say(here.dataset.none); }
      })
      .catch(function () { input.value = ""; say(here.dataset.none); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (target.closest("[data-scan-camera]")) { startCamera(); }
    if (target.closest("[data-scan-stop]")) { stopCamera(); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.matches("[data-scan-file]")) {
      readPhoto(target);
    }
  });
  // Leaving the desk (another tab of the event) turns the camera off.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target === document.body) { stopCamera(); }
  });
  window.addEventListener("pagehide", stopCamera);
})();
