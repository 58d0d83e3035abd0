// Scanning with the phone's camera where the browser can read codes itself (the Barcode Detection API
// of Chrome on Android): tube barcodes and personal-code QRs. Elsewhere the button does not show and
// the sampler types, or a hand scanner types for them.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface DetectedCode {
  rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement): Promise<DetectedCode[]>;
}
type DetectorClass = new (options?: { formats?: string[] }) => Detector;

function detectorClass(): DetectorClass | null {
  const w = window as unknown as { BarcodeDetector?: DetectorClass };
  return typeof w.BarcodeDetector === 'function' && !!navigator.mediaDevices?.getUserMedia ? w.BarcodeDetector : null;
}

export function CameraScan({
  onCode,
  formats,
  testId,
}: {
  onCode: (text: string) => void;
  formats: string[];
  testId?: string;
}) {
  const { t } = useTranslation();
  const [on, setOn] = useState(false);
  const [failed, setFailed] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const handler = useRef(onCode);
  handler.current = onCode;
  const Detector = useMemo(detectorClass, []);
  // The formats by value: a caller's inline array is a new one each render, yet the same formats.
  const formatList = formats.join(',');

  useEffect(() => {
    if (!on || !Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const detector = new Detector({ formats: formatList.split(',') });
    const tick = async () => {
      if (stopped || !video.current) return;
      try {
        const codes = await detector.detect(video.current);
        const text = codes[0]?.rawValue;
        if (text) {
          handler.current(text);
          setOn(false);
          return;
        }
      } catch {
        // a frame that could not be read: try the next
      }
      timer = setTimeout(() => void tick(), 250);
    };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(
      async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        void tick();
      },
      () => {
        setFailed(true);
        setOn(false);
      },
    );
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on, Detector, formatList]);

  if (!Detector) return null;
  return (
    <div className="camera-scan">
      <button type="button" className="btn btn-small" data-testid={testId} onClick={() => setOn((v) => !v)}>
        {on ? t('testing.camera.stop') : t('testing.camera.start')}
      </button>
      {failed && <span className="field-error">{t('testing.camera.failed')}</span>}
      {on && <video ref={video} className="camera-video" muted playsInline />}
    </div>
  );
}
