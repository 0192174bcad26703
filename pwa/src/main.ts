import '@/ui/styles.css';
import { boot } from '@/app/app';

const root = document.getElementById('app');
if (root) void boot(root);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a worker the app still works online; nothing to tell the user.
    });
  });
}
