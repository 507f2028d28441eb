// Quick exit ("Leave this site"): on every page. Selecting the button, or pressing Escape
// 3 times within a couple of seconds, blanks the page and replaces it with a neutral site.
// location.replace() means the Back button does not return to the page being left.

export const EXIT_URL = 'https://www.bbc.co.uk/weather';
const PRESSES_NEEDED = 3;
const WINDOW_MS = 2000;

let leaving = false;

/** Blank the page, then leave for the neutral site. */
export function leaveNow() {
  if (leaving) return;
  leaving = true;
  try {
    document.title = '';
    document.body.replaceChildren();
    document.body.className = 'harbour-leaving';
  } finally {
    window.location.replace(EXIT_URL);
  }
}

export function installQuickExit() {
  const button = document.getElementById('quick-exit-button');
  const announcer = document.getElementById('quick-exit-announcer');

  if (button) {
    button.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      leaveNow();
    });
    // It is a link that looks and acts like a button (NHS.UK pattern), so Space works too.
    button.addEventListener('keydown', (event) => {
      if (event.key === ' ') {
        event.preventDefault();
        leaveNow();
      }
    });
  }

  let presses = [];
  let resetTimer = 0;
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape' && event.key !== 'Esc') return;
      if (event.repeat) return;
      const now = Date.now();
      presses = presses.filter((t) => now - t < WINDOW_MS);
      presses.push(now);
      clearTimeout(resetTimer);
      if (presses.length >= PRESSES_NEEDED) {
        presses = [];
        leaveNow();
        return;
      }
      const left = PRESSES_NEEDED - presses.length;
      if (announcer) {
        announcer.textContent = `Press Esc ${left} more ${left === 1 ? 'time' : 'times'} to leave this site.`;
      }
      resetTimer = setTimeout(() => {
        presses = [];
        if (announcer) announcer.textContent = '';
      }, WINDOW_MS);
    },
    true,
  );
}
