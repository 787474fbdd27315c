// A signature pad: pointer strokes on a canvas, saved as a PNG image.
export function signaturePad(canvas) {
  const context = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = rect.width * ratio;
  canvas.height = rect.height * ratio;
  context.scale(ratio, ratio);
  context.lineWidth = 2.2;
  context.lineCap = "round";
  context.strokeStyle = "#111";
  context.fillStyle = "#fff";
  context.fillRect(0, 0, rect.width, rect.height);
  let drawing = false;
  let strokes = 0;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    strokes += 1;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  return {
    isEmpty: () => strokes === 0,
    clear() {
      strokes = 0;
      context.fillRect(0, 0, rect.width, rect.height);
    },
    toBlob: () => new Promise((resolve) => canvas.toBlob(resolve, "image/png")),
  };
}
