// QoePlayersIT's pages share this, loaded before the player so the player's fetch is the one wrapped here:
// it keeps every CMCD report the player sends to ?target= (its body and the collector's answer) and what the
// <video> element did (its events, with the wall clock), so the test compares the API with what really
// happened. Nothing here changes what the player sends. The state is window.player.
(function () {
  const params = new URLSearchParams(location.search);
  const target = params.get('target');
  const player = window.player = {
    reports: [],   // each CMCD request to the target: {body, status}; status null until answered
    events: [],    // the video element's events: {type, at: Date.now(), time: currentTime}
    errors: [],    // the player's errors: {fatal, code}
  };
  const pageFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (!target || !url.startsWith(target)) {
      return pageFetch.apply(this, arguments);
    }
    const body = init && init.body;
    const sent = {
      body: typeof body === 'string' ? body : new TextDecoder().decode(body),
      status: null,
    };
    player.reports.push(sent);
    return pageFetch.apply(this, arguments).then(
      (response) => { sent.status = response.status; return response; },
      (error) => { sent.status = 'failed: ' + error; throw error; });
  };
  // What the video element did, for the test to wait on and to compare with the reports.
  window.watchVideo = function (video) {
    for (const type of ['play', 'playing', 'waiting', 'seeking', 'seeked', 'pause', 'ended']) {
      video.addEventListener(type, () => player.events.push({ type, at: Date.now(), time: video.currentTime }));
    }
    // ?seekTo=: on the first frame, seek there (an unbuffered position when the origin holds it back).
    const seekTo = params.get('seekTo');
    if (seekTo !== null) {
      video.addEventListener('playing', () => { video.currentTime = Number(seekTo); }, { once: true });
    }
  };
})();
